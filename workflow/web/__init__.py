"""The web application: server-rendered pages for owners, the ILAU, the Board, committee
secretaries and auditors, on the same service layer as the command line."""
