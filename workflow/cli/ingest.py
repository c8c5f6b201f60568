"""`rectrack ingest FILE` (issue 13; being built)."""
