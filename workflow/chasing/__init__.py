"""Chasing: the sweep that reminds owners and escalates missed dates, and the scheduler."""
