"""Search efficiency on recorded pools: every setting trained to its end once, its curve
and costs replayed through each search method (`replay`, `methods`), measured as the
field measures methods (`measures`: anytime regret, time to within the noise of the best,
ranks with a Friedman test), against the oracle that knows the good settings (`oracle`)."""
