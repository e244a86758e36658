"""An experiment on disk, for everyone who reads or writes it (the trial session, the
search driver, the analysis): its files and their readers and writers (`files`), how a
trial ended (`outcome`), and its Optuna study store (`store`)."""
