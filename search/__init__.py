"""How trials are scheduled: experiment spec, Tuner, Optuna mirror and the CLI."""
