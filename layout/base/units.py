"""Length units. Everything inside the engine is float pt; names carry their unit."""

PT_PER_INCH = 72.0
MM_PER_INCH = 25.4
PT_PER_MM = PT_PER_INCH / MM_PER_INCH


def mm_to_pt(mm: float) -> float:
    return mm * PT_PER_MM


def pt_to_mm(pt: float) -> float:
    return pt / PT_PER_MM


def parse_length_pt(text: str | float | int) -> float:
    """'3mm', '8.5pt', '1in' or a bare number (pt) → pt. Raises ValueError on anything else."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().lower()
    for suffix, factor in (("mm", PT_PER_MM), ("pt", 1.0), ("in", PT_PER_INCH), ("cm", PT_PER_MM * 10)):
        if s.endswith(suffix):
            return float(s[: -len(suffix)].strip()) * factor
    return float(s)
