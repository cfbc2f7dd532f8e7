"""Evaluation: datasets, metrics, calibration and optimisation."""
