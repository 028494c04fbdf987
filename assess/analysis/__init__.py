"""What-if, sensitivity, profiles and scheme differences: analysis beyond one score."""
