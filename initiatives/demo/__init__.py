"""The demo: its data (`data.py`) and the loaders for phases 2-5 and the monthly snapshots."""
