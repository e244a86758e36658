"""What a trial runs: data, nets, losses, families, metrics and the trial loop."""
