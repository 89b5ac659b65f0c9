"""The demo's funding: its data (`data.py`) and the loader `seed_funding` (`loader.py`)."""
