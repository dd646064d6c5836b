"""skdeepad.datasets: the anomaly generator and the KDD Cup 99 loader."""

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.utils import Bunch

from skdeepad import datasets, timeseries
from skdeepad.datasets import load_kddcup99, make_anomalies

KINDS = ["global", "local", "clustered", "dependency"]


@pytest.mark.parametrize("kind", KINDS)
def test_make_anomalies_shape_labels_and_seed(kind):
    X, y = make_anomalies(400, 5, kind=kind, contamination=0.1, random_state=0)
    assert X.shape == (400, 5) and set(np.unique(y)) == {-1, 1}
    assert (y == -1).sum() == 40
    X2, y2 = make_anomalies(400, 5, kind=kind, contamination=0.1, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize(
    ("kind", "auc"), [("global", 0.9), ("clustered", 0.9), ("local", 0.7)]
)
def test_planted_anomalies_are_anomalous(kind, auc):
    X, y = make_anomalies(1000, 6, kind=kind, random_state=0)
    scores = IsolationForest(random_state=0).fit(X).score_samples(X)
    assert roc_auc_score(y, scores) > auc  # y = +1 normal: normal rows score higher


def test_dependency_anomalies_keep_every_marginal():
    X, y = make_anomalies(600, 4, kind="dependency", random_state=0)
    normal, anomalies = X[y == 1], X[y == -1]
    for j in range(4):
        assert np.isin(anomalies[:, j], normal[:, j]).all()
    assert not any((normal == row).all(axis=1).any() for row in anomalies)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"kind": "weird"}, "kind must be one of"),
        ({"contamination": 0.7}, "contamination"),
        ({"n_samples": 2}, "n_samples >= 3"),
    ],
)
def test_make_anomalies_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        make_anomalies(**params)
    with pytest.raises(ValueError, match="contamination must be a number"):
        make_anomalies(contamination="0.1")
    with pytest.raises(TypeError, match="n_samples must be an int"):
        make_anomalies(100.0)


@pytest.mark.parametrize("n_samples", [3, 7, 11])
def test_make_anomalies_never_makes_anomalies_the_majority(n_samples):
    _, y = make_anomalies(n_samples, 2, contamination=0.5, random_state=0)
    assert 1 <= np.sum(y == -1) <= np.sum(y == 1)


def test_load_csv_keeps_the_column_names_as_written(tmp_path):
    from skdeepad.datasets import load_csv

    path = tmp_path / "m.csv"
    path.write_text("x-1,x 2,is-anomaly\n1,2,0\n3,4,1\n", encoding="utf-8-sig")
    data = load_csv(path, "is-anomaly")
    assert data.feature_names == ["x-1", "x 2"]
    assert data.y.tolist() == [1, -1]
    path.write_text("x-1,x 2,is-anomaly\n")
    with pytest.raises(ValueError, match="m.csv: the file has a header but no data"):
        load_csv(path, "is-anomaly")



@pytest.mark.parametrize("label", ["return", "file", "print"])
def test_load_csv_reads_a_label_named_like_a_python_word(tmp_path, label):
    from skdeepad.datasets import load_csv

    path = tmp_path / "m.csv"
    path.write_text(f"a,b,{label}\n1,2,0\n3,4,1\n")
    data = load_csv(path, label)
    assert data.feature_names == ["a", "b"]
    assert data.y.tolist() == [1, -1]
    assert data.X.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_load_csv_reads_numpy_savetxt_headers_and_skips_blank_lines(tmp_path):
    from skdeepad.datasets import load_csv

    path = tmp_path / "m.csv"
    data = np.c_[[0, 0, 1], np.arange(6.0).reshape(3, 2)]
    np.savetxt(path, data, delimiter=",", header="label,x1,x2")  # "# label,..."
    loaded = load_csv(path, "label")
    assert loaded.feature_names == ["x1", "x2"]
    np.testing.assert_array_equal(loaded.X, data[:, 1:])
    path.write_text("\n\nlabel,x1\n0,1\n1,2\n")
    assert load_csv(path, "label").y.tolist() == [1, -1]


def test_load_csv_reads_quoted_fields(tmp_path):
    from skdeepad.datasets import load_csv

    path = tmp_path / "m.csv"  # csv.QUOTE_ALL, as some exports write
    path.write_text('"a","b, c","y"\n"1","2.5","0"\n"3","4",1\n')
    data = load_csv(path, "y")
    assert data.feature_names == ["a", "b, c"]
    assert data.X.tolist() == [[1.0, 2.5], [3.0, 4.0]] and data.y.tolist() == [1, -1]
    path.write_bytes("a,y\n1,0\n2,1\n# caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="m.csv: could not be read as UTF-8"):
        load_csv(path, "y")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a,a,y\n1,2,0\n3,4,1\n", "names 'a' more than once"),
        ("a,b,y\n1,2\n3,4,0\n", "m.csv: line 2 has 2 fields; the header has 3"),
        ("a,b,y\n\n# x\n1,2,0\n3,4,0,5\n", "m.csv: line 5 has 4 fields"),
        ("a,b,y\n1,2,0\n3,,0\n", "feature column 'b' .* line 3 holds an empty"),
        ("a,b,y\n1,tcp,0\n", "feature column 'b' must hold numbers; line 2 .*'tcp'"),
        ("a,b,y\n1,2,normal\n", "label column 'y' .* line 2 holds 'normal'"),
        ("", "m.csv: an empty file"),
        ("a,b,y\n", "m.csv: the file has a header but no data row"),
    ],
)
def test_load_csv_names_a_malformed_file(tmp_path, text, match):
    from skdeepad.datasets import load_csv

    path = tmp_path / "m.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        load_csv(path, "y")


def _fake_fetch(calls):
    """A stand-in for fetch_kddcup99 returning a few rows of the SA layout."""

    def fetch(**kwargs):
        calls.append(kwargs)
        data = np.array(
            [
                [0, b"tcp", b"http", b"SF", 215.0],
                [2, b"udp", b"domain_u", b"SF", 45.0],
                [0, b"tcp", b"smtp", b"REJ", 0.0],
                [1, b"icmp", b"ecr_i", b"SF", 1032.0],
            ],
            dtype=object,
        )
        target = np.array(
            [b"normal.", b"normal.", b"neptune.", b"smurf."], dtype=object
        )
        names = ["duration", "protocol_type", "service", "flag", "src_bytes"]
        return Bunch(data=data, target=target, feature_names=names)

    return fetch


def test_load_kddcup99_encodes_and_labels(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr("sklearn.datasets.fetch_kddcup99", _fake_fetch(calls))
    data = load_kddcup99("SA", data_home=tmp_path, download_if_missing=False)
    assert calls == [
        {
            "subset": "SA",
            "data_home": tmp_path,
            "percent10": True,
            "download_if_missing": False,
            "random_state": 0,
        }
    ]
    np.testing.assert_array_equal(data.y, [1, 1, -1, -1])
    assert list(data.attack) == ["normal", "normal", "neptune", "smurf"]
    assert data.X.dtype == np.float64
    assert data.feature_names[:4] == [
        "duration",
        "protocol_type=icmp",
        "protocol_type=tcp",
        "protocol_type=udp",
    ]
    assert data.X.shape == (4, 1 + 3 + 4 + 2 + 1)
    np.testing.assert_array_equal(data.X[:, 1:4].sum(axis=1), 1)

    ordinal = load_kddcup99("SA", categorical="ordinal")
    assert ordinal.feature_names == [
        "duration",
        "protocol_type",
        "service",
        "flag",
        "src_bytes",
    ]
    np.testing.assert_array_equal(ordinal.X[:, 1], [1, 2, 1, 0])


def test_load_kddcup99_never_downloads_when_told_not_to(tmp_path):
    with pytest.raises(OSError):
        load_kddcup99("http", data_home=tmp_path, download_if_missing=False)


def test_load_kddcup99_bad_encoding():
    with pytest.raises(ValueError, match="categorical"):
        load_kddcup99(categorical="binary")


def test_load_nab_is_the_timeseries_loader():
    assert datasets.load_nab is timeseries.load_nab


def _kdd_cache(data_home):
    """A few raw KDD Cup 99 rows in scikit-learn's cache: fetch_kddcup99 reads
    them as if it had downloaded them (41 features, the label last)."""
    import joblib

    rows = [  # service, logged_in, src_bytes, dst_bytes, label
        (b"http", 1, 215, 45076, b"normal."),
        (b"http", 1, 162, 4528, b"normal."),
        (b"http", 1, 54540, 8314, b"back."),
        (b"http", 0, 0, 0, b"normal."),  # not logged in: left out by the subsets
        (b"smtp", 1, 1022, 387, b"normal."),
        (b"ftp", 1, 100, 200, b"warezclient."),
    ]
    X = np.zeros((len(rows), 41), dtype=object)
    X[:, 1], X[:, 3] = b"tcp", b"SF"
    for i, (service, logged_in, src, dst, _) in enumerate(rows):
        X[i, 2], X[i, 11], X[i, 4], X[i, 5] = service, logged_in, src, dst
    folder = data_home / "kddcup99_10-py3"
    folder.mkdir(parents=True)
    joblib.dump(X, folder / "samples")
    joblib.dump(np.array([r[-1] for r in rows], dtype=object), folder / "targets")


def test_load_kddcup99_from_a_local_cache_file(tmp_path):
    """scikit-learn's own subset code on a small local file, nothing downloaded."""
    _kdd_cache(tmp_path)
    http = load_kddcup99("http", data_home=tmp_path, download_if_missing=False)
    assert http.feature_names == ["duration", "src_bytes", "dst_bytes"]
    np.testing.assert_array_equal(http.y, [1, 1, -1])
    assert list(http.attack) == ["normal", "normal", "back"]
    np.testing.assert_allclose(http.X[:, 1], np.log([215.1, 162.1, 54540.1]))
    smtp = load_kddcup99("smtp", data_home=tmp_path, download_if_missing=False)
    assert smtp.X.shape == (1, 3) and list(smtp.y) == [1]
    everything = load_kddcup99(None, data_home=tmp_path, download_if_missing=False)
    assert everything.X.shape[0] == 6
    assert "service=ftp" in everything.feature_names
    np.testing.assert_array_equal(everything.y, [1, 1, -1, 1, 1, -1])


def test_labels_all_1_are_refused_as_ambiguous(tmp_path):
    X = np.random.RandomState(0).normal(size=(5, 2))
    np.savez(tmp_path / "ones.npz", X=X, y=np.ones(5, dtype=int))
    with pytest.raises(ValueError, match="all 1, which is ambiguous"):
        datasets.load_npz(tmp_path / "ones.npz")
    np.savez(tmp_path / "zeros.npz", X=X, y=np.zeros(5, dtype=int))
    np.testing.assert_array_equal(datasets.load_npz(tmp_path / "zeros.npz").y, 1)
    np.savez(tmp_path / "minus.npz", X=X, y=-np.ones(5, dtype=int))
    np.testing.assert_array_equal(datasets.load_npz(tmp_path / "minus.npz").y, -1)


def test_make_outlier_task_names_bad_classes_and_lengths():
    from skdeepad.datasets import make_outlier_task

    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 1, 1, 1])
    with pytest.raises(ValueError, match=r"anomaly_classes=\[7\] must select"):
        make_outlier_task(X, y, 7)  # a single class, matching no row
    with pytest.raises(ValueError, match="one label per row of X"):
        make_outlier_task(X, y[:4], [1])
    X_task, y_task = make_outlier_task(X, y, 1, anomaly_fraction=0.25)
    assert (y_task == -1).sum() == 1 and len(X_task) == 4


def test_a_truncated_npz_file_is_named(tmp_path):
    np.savez(tmp_path / "whole.npz", X=np.zeros((50, 3)), y=np.zeros(50))
    (tmp_path / "cut.npz").write_bytes((tmp_path / "whole.npz").read_bytes()[:200])
    with pytest.raises(ValueError, match="cut.npz: not a readable .npz archive"):
        datasets.load_npz(tmp_path / "cut.npz")


def test_a_npy_text_or_object_file_named_npz_is_named(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros((5, 2)))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(ValueError, match=r"one.npz: a single NumPy array \(.npy\)"):
        datasets.load_npz(tmp_path / "one.npz")
    (tmp_path / "text.npz").write_text("X,y\n1,0\n")
    with pytest.raises(ValueError, match="text.npz: not a readable .npz archive"):
        datasets.load_npz(tmp_path / "text.npz")
    X = np.array([[1, "a"]], dtype=object)
    np.savez(tmp_path / "objects.npz", X=X, y=np.zeros(1))
    with pytest.raises(ValueError, match="objects.npz: could not read 'X' and 'y'"):
        datasets.load_npz(tmp_path / "objects.npz")


def test_dependency_anomalies_need_two_features():
    with pytest.raises(ValueError, match="kind='dependency' .* n_features >= 2; got 1"):
        datasets.make_anomalies(100, 1, kind="dependency", random_state=0)
    X, y = datasets.make_anomalies(100, 2, kind="dependency", random_state=0)
    assert np.sum(y == -1) == 5


def test_make_outlier_task_says_when_the_classes_are_too_few():
    from sklearn.datasets import load_iris

    from skdeepad.datasets import make_outlier_task

    X, y = load_iris(return_X_y=True)
    with pytest.warns(UserWarning, match="hold 50 rows, fewer than the 100 .* 0.333"):
        _, y_task = make_outlier_task(X, y, [2], anomaly_fraction=0.5)
    assert np.sum(y_task == -1) == 50
    with pytest.raises(ValueError, match="anomaly_fraction must be a number"):
        make_outlier_task(X, y, [2], anomaly_fraction="0.1")
