"""Chinese line composition: character classes, break rules, justification (pure functions)."""
