"""Mail: notices composed from the domain's words, and the outbox that delivers them."""
