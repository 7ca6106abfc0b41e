"""The dbt project documents what analysts read: every model states its grain, every mart column
has a description and an Indonesian label (read from the project's yml, as dbt does)."""

from __future__ import annotations

import yaml

from lumbung.paths import DBT_PROJECT_DIR

MODELS = DBT_PROJECT_DIR / "models"


def documented_models() -> dict[str, tuple[str, dict]]:
    out = {}
    for path in MODELS.rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            out[model["name"]] = (path.parent.name, model)
    return out


def test_every_model_is_documented_with_its_grain():
    documented = documented_models()
    files = {p.stem: p.parent.name for p in MODELS.rglob("*") if p.suffix in (".sql", ".py")}
    assert files and set(files) <= set(documented), sorted(set(files) - set(documented))
    for name, (_layer, model) in documented.items():
        grain = (model.get("config") or {}).get("meta", {}).get("grain") or ""
        text = f"{model.get('description') or ''} {grain}".lower()
        assert "one row per" in text or grain, f"{name}: no grain stated"


def test_every_mart_column_has_a_description_and_a_label():
    marts = {n: m for n, (layer, m) in documented_models().items() if layer == "marts"}
    assert {"mart_budget", "mart_indicator", "fct_target", "dim_date"} <= set(marts)
    for name, model in marts.items():
        assert (model.get("config") or {}).get("contract", {}).get("enforced"), f"{name}: no contract"
        for column in model.get("columns") or []:
            assert (column.get("description") or "").strip(), f"{name}.{column['name']}: no description"
            assert (column.get("meta") or {}).get("label_id"), f"{name}.{column['name']}: no Indonesian label"
