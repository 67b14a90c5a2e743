"""NTU readers, transforms, feeder and the mini-data generator."""
