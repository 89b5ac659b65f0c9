"""The apps import downwards only, and no app imports itself in a circle: import-linter's
contracts in pyproject.toml, checked here too so `make test` catches a wrong import."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Apps import downwards only KEPT" in result.stdout
    assert "No import cycles inside an app KEPT" in result.stdout


def test_the_policy_module_imports_no_app():
    # The rule table sits at the bottom: the apps import it, never the other way round.
    source = (ROOT / "renewal" / "policy.py").read_text()
    imported = {
        line.split()[1].split(".")[0]
        for line in source.splitlines()
        if line.lstrip().startswith(("from ", "import "))
    }

    # The standard library's typing helpers name no app.
    assert imported <= {"collections", "enum", "typing", "django", "organisations"}
