"""Firing events on recommendations: identifiers, the transition, the event functions (the
service layer), due dates, RAG status, and the typed read models."""
