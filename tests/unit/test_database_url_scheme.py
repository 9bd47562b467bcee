"""database_url_scheme on real files: the reads of a database-URL variable get the postgresql:// scheme."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.strategies import StrategyDeclined, Tools
from agents.strategies.database_url_scheme import database_url_scheme
from memory.models import FailureReport

REPORT = FailureReport(category="config_error", root_cause="sqlalchemy.exc.NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:postgres")


def test_each_read_of_a_database_url_is_normalised(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text('import os\nfrom sqlalchemy import create_engine\n\n'
                                    'engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)\n'
                                    'OTHER = os.getenv("REPLICA_DATABASE_URL")\nSECRET = os.environ["SECRET_KEY"]\n')
    (tmp_path / "config.py").write_text('from os import environ\n\nclass Config:\n'
                                        '    SQLALCHEMY_DATABASE_URI = environ.get("DATABASE_URL", "sqlite:///dev.db")\n')
    r = database_url_scheme(REPORT, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert (tmp_path / "db.py").read_text() == (
        'import os\nfrom sqlalchemy import create_engine\n\n'
        'engine = create_engine(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1), pool_pre_ping=True)\n'
        'OTHER = (os.getenv("REPLICA_DATABASE_URL") or "").replace("postgres://", "postgresql://", 1)\n'
        'SECRET = os.environ["SECRET_KEY"]\n')
    assert 'environ.get("DATABASE_URL", "sqlite:///dev.db").replace("postgres://", "postgresql://", 1)' in (tmp_path / "config.py").read_text()
    assert r.params["files"] == ["config.py", "db.py"]
    with pytest.raises(StrategyDeclined, match="no read"):  # done once: a second pass changes nothing
        database_url_scheme(REPORT, tmp_path, Tools(None))  # type: ignore[arg-type]


def test_another_failure_or_a_url_from_elsewhere_is_declined(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text('import os\nengine = create_engine(os.environ["DATABASE_URL"])\n')
    with pytest.raises(StrategyDeclined, match="not SQLAlchemy"):
        database_url_scheme(FailureReport(category="config_error", root_cause="Can't load plugin: sqlalchemy.dialects:postgresql.foo"),
                            tmp_path, Tools(None))  # type: ignore[arg-type]
    (tmp_path / "db.py").write_text("from settings import URL\nengine = create_engine(URL)\n")
    with pytest.raises(StrategyDeclined, match="no read"):
        database_url_scheme(REPORT, tmp_path, Tools(None))  # type: ignore[arg-type]


@pytest.mark.parametrize(("requirements", "scheme"), [("sqlalchemy>=2\npsycopg2-binary==2.9.9\n", "postgresql+psycopg2"),
                                                      ("sqlalchemy\npsycopg[binary]\n", "postgresql+psycopg"),
                                                      ("sqlalchemy\n", "postgresql")])
def test_the_scheme_names_the_driver_the_project_declares(tmp_path: Path, requirements: str, scheme: str) -> None:
    """SQLAlchemy 2.1 picks psycopg 3 for a bare postgresql://: a project that declares psycopg2 says so in the URL."""
    (tmp_path / "requirements.txt").write_text(requirements)
    (tmp_path / "db.py").write_text('import os\nengine = create_engine(os.environ["DATABASE_URL"])\n')
    r = database_url_scheme(REPORT, tmp_path, Tools(None))  # type: ignore[arg-type]
    assert f'.replace("postgres://", "{scheme}://", 1)' in (tmp_path / "db.py").read_text() and r.params["scheme"] == scheme
