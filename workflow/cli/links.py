"""`rectrack rec link|unlink` and `rectrack report repeats` (issue 13; being built)."""
