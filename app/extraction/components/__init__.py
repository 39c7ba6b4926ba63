"""Language-specific extractors: each turns sentences into raw movement mentions."""
