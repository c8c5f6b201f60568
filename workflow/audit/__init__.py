"""The audit trail: the writer and its hash chain, queries, point-in-time views, verification
and export."""
