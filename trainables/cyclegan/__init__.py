"""The CycleGAN family: unpaired translation between two image domains (Zhu et al. 2017)."""
