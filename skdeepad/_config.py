"""Package-wide settings: the documentation site's address.

Imports nothing heavy (no TensorFlow, no Keras, no scikit-learn).
"""

__all__ = ["DOCS_URL", "DocLinkMixin"]

#: Root of the documentation site (built from ``docs/``); every estimator's
#: HTML repr links its "?" to ``{DOCS_URL}api/generated/skdeepad.{Name}.html``.
DOCS_URL = "https://skdeepad.readthedocs.io/en/latest/"


class DocLinkMixin:
    """Link the HTML repr's "?" to the estimator's page of the API reference.

    scikit-learn's ``_HTMLDocumentationLinkMixin`` (a base of
    ``BaseEstimator``) reads these attributes; put this mixin left of
    ``BaseEstimator``. The page is named after the public name,
    ``skdeepad.<ClassName>``, whatever private module defines the class.
    """

    _doc_link_module = "skdeepad"
    _doc_link_template = DOCS_URL + "api/generated/skdeepad.{estimator_name}.html"

    def _doc_link_url_param_generator(self):
        return {"estimator_name": type(self).__name__}
