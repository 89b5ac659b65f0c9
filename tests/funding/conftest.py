"""Funding fixtures beyond the shared ones in tests/conftest.py (`call`, `draft`, `granted`, ...):
`city_initiative` belongs to the municipality and never applied.
"""

import pytest


@pytest.fixture
def city_initiative(make_initiative, municipality, outsider):
    return make_initiative(municipality, outsider, title="Home care route optimisation")
