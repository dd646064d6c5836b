"""Sparse input (SciPy matrices and arrays): densified one chunk at a time."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from skdeepad import AutoEncoder, DeepSVDD, LSTMAutoEncoder, all_detectors

from ._params import fast_params

TABULAR = [*all_detectors("tabular"), *all_detectors("semi-supervised")]


def _data():
    X = np.random.default_rng(0).standard_normal((200, 6))
    X[X < 0.5] = 0.0  # mostly zeros, as a one-hot encoding is
    return X


def _detector(name, cls):
    params = fast_params(name)
    if "random_state" in cls().get_params():
        params["random_state"] = 0
    return cls(**params)


@pytest.mark.parametrize("name, cls", TABULAR, ids=[name for name, _ in TABULAR])
def test_sparse_input_scores_as_the_dense_array_does(name, cls):
    X = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DevNet without labels
        dense = _detector(name, cls).fit(X)
        sparse = _detector(name, cls).fit(sp.csc_array(X))
    expected = dense.score_samples(X)
    np.testing.assert_allclose(sparse.score_samples(sp.csr_matrix(X)), expected)
    np.testing.assert_allclose(dense.score_samples(sp.csr_array(X)), expected)
    assert sparse.offset_ == pytest.approx(dense.offset_)
    assert sparse.__sklearn_tags__().input_tags.sparse


@pytest.mark.parametrize("cls", [AutoEncoder, DeepSVDD])
def test_sparse_input_is_never_densified_whole(cls, monkeypatch):
    """AutoEncoder trains block by block, DeepSVDD on the standardised
    float32 input built chunk by chunk: no dense float64 copy of X."""
    rows_densified = []
    toarray = sp.csr_matrix.toarray

    def recording_toarray(self, *args, **kwargs):
        rows_densified.append(self.shape[0])
        return toarray(self, *args, **kwargs)

    monkeypatch.setattr(sp.csr_matrix, "toarray", recording_toarray)
    detector = cls(epochs=2, random_state=0)
    detector._predict_max_rows = 64  # chunks of 64 rows: 200 rows make 4
    detector.fit(sp.csr_matrix(_data()))
    scores = detector.score_samples(sp.csr_matrix(_data()))
    assert np.all(np.isfinite(scores))
    assert rows_densified and max(rows_densified) <= 64, rows_densified


def test_one_hot_encoder_pipeline_works_unchanged():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "country": rng.choice(["DE", "FR", "IT"], 300),
            "amount": rng.gamma(2.0, 10.0, 300),
            "items": rng.integers(1, 5, 300).astype(float),
        }
    )
    encode = ColumnTransformer(
        [("text", OneHotEncoder(handle_unknown="ignore"), ["country"])],
        remainder="passthrough",
        sparse_threshold=1.0,  # the encoder's sparse output reaches the detector
    )
    assert sp.issparse(encode.fit_transform(frame))
    pipeline = make_pipeline(encode, AutoEncoder(hidden_units=(8, 2), epochs=3))
    pipeline.fit(frame)
    odd = pd.DataFrame({"country": ["DE"], "amount": [1e4], "items": [3.0]})
    scores = pipeline.score_samples(pd.concat([frame.head(20), odd]))
    assert scores.argmin() == 20
    assert set(np.unique(pipeline.predict(frame))) <= {-1, 1}


def test_bad_sparse_input_gets_the_clear_errors():
    X = sp.csr_matrix(_data())
    detector = AutoEncoder(hidden_units=(4, 2), epochs=1, random_state=0).fit(X)
    with_nan = X.copy()
    with_nan.data[0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        AutoEncoder(epochs=1).fit(with_nan)
    with pytest.raises(ValueError, match="6 features"):
        detector.score_samples(sp.csr_matrix(np.ones((3, 5))))
    with pytest.raises(TypeError, match="dense data is required"):
        LSTMAutoEncoder(epochs=1).fit(X)


@pytest.mark.parametrize("cls", [AutoEncoder, DeepSVDD])
def test_a_sparse_data_frame_keeps_its_column_names(cls):
    X = np.random.default_rng(0).standard_normal((40, 5))
    X[X < 0.5] = 0.0
    frame = pd.DataFrame(X, columns=list("abcde")).astype(pd.SparseDtype(float, 0.0))
    detector = cls(hidden_units=(4, 2), epochs=2, random_state=0).fit(frame)
    assert list(detector.feature_names_in_) == list("abcde")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted without feature names"
        detector.score_samples(frame)
    with pytest.raises(ValueError, match="feature names"):
        detector.score_samples(frame[list("bacde")])


def test_sparse_input_holds_out_the_dense_fit_s_rows_for_early_stopping():
    X = _data()
    params = dict(
        hidden_units=(4, 2),
        epochs=4,
        early_stopping=True,
        validation_fraction=0.2,
        patience=1,
        random_state=0,
    )
    dense = AutoEncoder(**params).fit(X)
    sparse = AutoEncoder(**params).fit(sp.csr_matrix(X))
    np.testing.assert_allclose(sparse.score_samples(X), dense.score_samples(X))
    assert sparse.history_["val_loss"] == pytest.approx(dense.history_["val_loss"])
