"""Reporting: the portfolio of recommendations, committee agendas, the papers and their
documents (model, renderers, chart)."""
