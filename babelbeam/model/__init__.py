"""The Qwen3 model family, its trainer and scorer, and Hugging Face interop. The only package that imports
torch."""
