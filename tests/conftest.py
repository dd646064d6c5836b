import os

# Quiet TensorFlow's C++ start-up logs in test output; set before it is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# scikit-learn skips check_array_api_input unless SciPy's array API support is
# on; turning it on (before SciPy is imported) lets that check run too.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
