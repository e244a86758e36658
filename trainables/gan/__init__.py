"""The GAN family: losses, penalties, conditioning, config and the trainer."""
