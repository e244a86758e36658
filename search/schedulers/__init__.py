"""The schedulers a spec can name (`scheduler.kind`): what gantune adds to Ray's ASHA
(`asha`: every early stop recorded, diverged trials kept out of the rungs), curve
stopping (`curve`), the registry of kinds (`kinds`) and the warm-up check against a
scheduler's first judgment (`warmups`)."""
