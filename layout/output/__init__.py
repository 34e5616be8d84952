"""Output: paint a PageLayout with reportlab, finish the press PDF and the PDF/A archive copy, bleed and marks, proofs."""
