"""acq benchmarks: one script per question, each compared side by side with its anchor."""
