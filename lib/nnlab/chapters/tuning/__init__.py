"""Companions of Part III: Hyperparameter tuning, batch normalization and softmax."""
