"""What translation families share (a CycleGAN, say): the domains of a dataset and
its test items paired across them (`pairs`), a generator applied to a split or a folder
(`apply`), and the scores of translations with their floor, baseline, real-vs-real floor
and oracle (`scoring`)."""
