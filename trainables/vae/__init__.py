"""The VAE family: a Gaussian latent, a Bernoulli (or Gaussian) decoder, conditioned on
nothing, a class, or several attributes."""
