"""Intake: people, reports and recommendations read from files and imported all or nothing."""
