"""Prefect flows: thin orchestration of the steps in `lumbung.pipeline`."""
