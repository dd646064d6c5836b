"""The ``skdeepad`` command line, run as a user would."""

import csv
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import Bunch

from skdeepad import AutoEncoder, TunedThresholdDetector
from skdeepad.cli import main
from skdeepad.timeseries import WindowedDetector


def _skdeepad(*args):
    return subprocess.run(
        [sys.executable, "-m", "skdeepad", *args], capture_output=True, text=True
    )


def test_benchmark_on_builtin_tasks_prints_the_table():
    result = _skdeepad(
        "benchmark",
        "--detectors",
        "IsolationForest,LocalOutlierFactor",
        "--setting",
        "unsupervised",
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["dataset", "method", "ROC-AUC", "AP", "fit", "s"]
    for task in ("breast_cancer", "wine", "digits", "iris", "blobs", "mean"):
        assert sum(line.startswith(task) for line in lines) == 2
    auc = {
        line.split()[1]: float(line.split()[2])
        for line in lines
        if line.startswith("blobs")
    }
    assert auc["IsolationForest"] > 0.9


def test_benchmark_prints_a_table_per_setting_with_knn(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(95, 4)), rng.normal(6, 1, size=(5, 4))])
    np.savez(tmp_path / "toy.npz", X=X, y=np.r_[np.zeros(95), np.ones(5)])
    out_csv = tmp_path / "rows.csv"
    status = main(
        ["benchmark", "--data", str(tmp_path / "toy.npz"), "--detectors",
         "kNN,LocalOutlierFactor", "--output", str(out_csv), "--no-progress"]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert out.index("Unsupervised setting") < out.index("Clean setting")
    with open(out_csv) as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["setting"], r["method"]) for r in rows] == [
        ("unsupervised", "kNN"), ("unsupervised", "LocalOutlierFactor"),
        ("clean", "kNN"), ("clean", "LocalOutlierFactor"),
    ]
    assert all(float(r["roc_auc"]) > 0.9 for r in rows)


def test_clean_setting_trains_on_half_the_normal_rows(monkeypatch):
    from skdeepad import benchmark

    seen = {}

    class Spy(benchmark._KNNDistance):
        def fit(self, X, y=None):
            seen["train"] = X
            return super().fit(X)

        def score_samples(self, X):
            seen["test"] = X
            return super().score_samples(X)

    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(90, 3)), rng.normal(5, 1, size=(10, 3))])
    task = Bunch(X=X, y=np.r_[np.ones(90), -np.ones(10)])
    rows = benchmark.run_benchmark({"toy": task}, {"spy": Spy}, setting="clean")
    assert len(seen["train"]) == 45 and len(seen["test"]) == 55
    np.testing.assert_allclose(seen["train"].mean(axis=0), 0, atol=1e-12)
    assert rows[0]["setting"] == "clean" and rows[0]["roc_auc"] > 0.95
    first = seen["train"]
    benchmark.run_benchmark({"toy": task}, {"spy": Spy}, setting="clean", seed=1)
    assert not np.array_equal(seen["train"], first)  # the seed draws the split
    benchmark.run_benchmark({"toy": task}, {"spy": Spy}, setting="clean", seed=0)
    np.testing.assert_array_equal(seen["train"], first)
    with pytest.raises(ValueError, match="setting must be one of"):
        benchmark.run_benchmark({"toy": task}, {"spy": Spy}, setting="dirty")


class _SpyAutoEncoder(AutoEncoder):
    """Logs its fit; scores without a network."""

    log = []

    def fit(self, X, y=None):
        self.log.append("fit")
        return self

    def __sklearn_is_fitted__(self):
        return True

    def score_samples(self, X):
        return -np.abs(X).sum(axis=1)


@pytest.mark.parametrize(
    "factory, starts",
    [
        (_SpyAutoEncoder, True),
        (lambda: make_pipeline(StandardScaler(), _SpyAutoEncoder()), True),
        (lambda: WindowedDetector(window=2), True),  # its default detector is deep
        (lambda: TunedThresholdDetector(IsolationForest(random_state=0)), False),
        (lambda: IsolationForest(random_state=0), False),
    ],
    ids=["deep", "pipeline", "windowed", "tuned-isolation-forest", "isolation-forest"],
)
def test_run_benchmark_starts_the_backend_before_timing_a_deep_fit(
    factory, starts, monkeypatch
):
    # else the first deep detector's fit_seconds carried TensorFlow's start
    import keras

    from skdeepad import benchmark

    log = _SpyAutoEncoder.log
    log.clear()
    convert = keras.ops.convert_to_tensor
    calls = []

    def logged(*args, **kwargs):
        log.append("backend")
        return convert(*args, **kwargs)

    def counted():
        calls.append(1)
        return factory()

    monkeypatch.setattr(keras.ops, "convert_to_tensor", logged)
    rng = np.random.RandomState(0)
    task = Bunch(X=rng.normal(size=(20, 2)), y=np.r_[np.ones(18), -np.ones(2)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        benchmark.run_benchmark({"toy": task}, {"method": counted})
    assert len(calls) == 1  # a factory drawing seeds is called once per task
    if starts:
        assert log[0] == "backend"
        assert "fit" not in log or log.index("fit") > 0
    else:
        assert "backend" not in log


@pytest.mark.parametrize(("y", "setting", "message"), [
    (np.r_[np.zeros(58), np.ones(2)], "unsupervised",
     r"task 'toy'.*\+1 .* -1 .*got the values \[0\.0, 1\.0\]"),
    (np.ones(60), "clean", "60 normal row\\(s\\) and 0 anomalies"),
    (np.r_[1, -np.ones(59)], "clean", "the clean setting .* 1 normal row"),
    (np.r_[None, np.ones(58), -1], "unsupervised", r"values \[-1, 1.0, None\]"),
])
def test_run_benchmark_refuses_labels_it_cannot_score(y, setting, message):
    from sklearn.ensemble import IsolationForest

    from skdeepad import benchmark

    task = Bunch(X=np.random.RandomState(0).normal(size=(60, 3)), y=y)
    with pytest.raises(ValueError, match=message):
        benchmark.run_benchmark({"toy": task}, {"IF": IsolationForest},
                                setting=setting)


def test_knn_baseline_leaves_a_training_row_out_of_its_neighbours():
    from skdeepad.benchmark import _KNNDistance, _training_scores, available_methods

    X = np.repeat(np.arange(6.0)[:, None], 2, axis=0)  # each row twice
    knn = _KNNDistance(n_neighbors=1).fit(X)
    np.testing.assert_array_equal(_training_scores(knn, X), np.zeros(12))
    np.testing.assert_array_equal(knn.score_samples([[2.5]]), [-0.5])
    knn = _KNNDistance().fit(np.arange(10.0)[:, None])
    assert _training_scores(knn, None)[0] == -5.0  # row 0: 5th other is 5
    knn = _KNNDistance(aggregate="mean").fit(np.arange(10.0)[:, None])
    assert _training_scores(knn, None)[0] == -3.0  # row 0: others 1..5, mean 3
    np.testing.assert_array_equal(knn.score_samples([[-1.0]]), [-3.0])  # 1..5
    methods = available_methods(0, "clean")
    assert methods["LocalOutlierFactor"]().novelty
    assert not available_methods(0, "unsupervised")["LocalOutlierFactor"]().novelty
    assert {"kNN", "IsolationForest", "DetectorEnsemble", "AutoEncoder"} <= set(methods)


def test_benchmark_runs_a_deep_detector_on_an_npz_file(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(95, 4)), rng.normal(6, 1, size=(5, 4))])
    y = np.r_[np.zeros(95), np.ones(5)]  # ADBench: 1 = anomaly
    np.savez(tmp_path / "toy.npz", X=X, y=y)
    out_csv = tmp_path / "rows.csv"
    status = main(
        ["benchmark", "--data", str(tmp_path / "toy.npz"), "--detectors",
         "AutoEncoder", "IsolationForest", "--output", str(out_csv), "--no-progress",
         "--setting", "unsupervised"]
    )
    assert status == 0
    assert "toy" in capsys.readouterr().out
    with open(out_csv) as fh:
        rows = list(csv.DictReader(fh))
    assert [r["method"] for r in rows] == ["AutoEncoder", "IsolationForest"]
    assert all(float(r["roc_auc"]) > 0.9 for r in rows)


def test_benchmark_reads_csv_with_a_label_column(tmp_path):
    rng = np.random.RandomState(1)
    X = np.vstack([rng.normal(size=(60, 2)), rng.normal(8, 1, size=(4, 2))])
    labels = np.r_[np.ones(60), -np.ones(4)]  # skdeepad: -1 = anomaly
    path = tmp_path / "toy.csv"
    np.savetxt(path, np.column_stack([X, labels]), delimiter=",",
               header="a,b,is_normal", comments="")
    result = _skdeepad("benchmark", "--data", str(path), "--label", "is_normal",
                       "--detectors", "IsolationForest", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "1.000" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["benchmark", "--detectors", "NoSuchDetector"], "unknown detector"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    result = _skdeepad(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def _bad_data(tmp_path):
    """(arguments, message) for benchmark data files a benchmark cannot use."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)), np.r_[np.zeros(36), np.ones(4)]
    cases = []

    def npz(name, message, **arrays):
        np.savez(tmp_path / f"{name}.npz", **arrays)
        cases.append((["--data", str(tmp_path / f"{name}.npz")], message))

    npz("short_y", "one label per row of X (40)", X=X, y=y[:30])
    npz("nan", "NaN or infinite", X=np.where(X > 2, np.nan, X), y=y)
    npz("flat", "2-D array", X=X[:, 0], y=y)
    npz("one_class", "one class only", X=X, y=np.zeros(40))
    (tmp_path / "a").mkdir()
    np.savez(tmp_path / "a" / "flat.npz", X=X, y=y)
    cases.append(
        (["--data", str(tmp_path / "a" / "flat.npz"), str(tmp_path / "flat.npz")],
         "two files 'flat'")
    )
    one_row = tmp_path / "one_row.csv"
    one_row.write_text("a,b,label\n1.0,2.0,0\n")
    cases.append((["--data", str(one_row), "--label", "label"], "one class only"))
    inf = tmp_path / "inf.csv"
    inf.write_text("a,b,label\n1.0,inf,0\n2.0,1.0,1\n")
    cases.append((["--data", str(inf), "--label", "label"], "NaN or infinite"))
    cases += [
        (["--data", str(tmp_path / "missing.npz")], "missing.npz"),
        (["--data", str(inf)], "label column"),  # a CSV without --label
        (["--output", str(tmp_path / "nowhere" / "rows.csv")], "no such folder"),
        (["--output", str(tmp_path)], "a folder, not a file"),
    ]
    # the rest are command lines argparse refuses: exit status 2
    return [(args, message, 1) for args, message in cases] + [
        (["--detectors", ","], "names no detector", 2),
        (["--random-state", "-1"], "non-negative integer", 2),
        (["--seed", "-3"], "non-negative integer", 2),
        (["--random-state", str(2**32)], "below 2**32", 2),
    ]


def test_benchmark_data_it_cannot_use_exits_1_before_fitting(
    tmp_path, capsys, monkeypatch
):
    import skdeepad.benchmark

    def no_run(*args, **kwargs):
        raise AssertionError("the benchmark ran")

    monkeypatch.setattr(skdeepad.benchmark, "run_benchmark", no_run)
    for args, message, expected in _bad_data(tmp_path):
        command = ["benchmark", "--no-progress", "--detectors", "IsolationForest"]
        try:
            status = main([*command, *args])
        except SystemExit as exit_:  # argparse's refusal
            status = exit_.code
        assert status == expected, args
        error = capsys.readouterr().err
        assert message in error and "Traceback" not in error, args


def test_benchmark_reports_a_detector_failing_on_the_data(tmp_path, capsys):
    rng = np.random.RandomState(0)
    np.savez(tmp_path / "tiny.npz", X=rng.normal(size=(4, 2)), y=[0, 0, 1, 1])
    command = ["benchmark", "--data", str(tmp_path / "tiny.npz"), "--no-progress"]
    # two normal rows: half of them trains, too few for 5 neighbours
    status = main([*command, "--detectors", "kNN", "--setting", "clean"])
    error = capsys.readouterr().err
    assert status == 1
    assert error.startswith("skdeepad benchmark: error: kNN on tiny (clean setting): ")
    # --traceback: the error itself, the detector's own chained
    with pytest.raises(ValueError, match="kNN on tiny") as raised:
        main([*command, "--detectors", "kNN", "--setting", "clean", "--traceback"])
    assert isinstance(raised.value.__cause__, ValueError)
    assert "n_neighbors" in str(raised.value.__cause__)


def test_traceback_raises_instead_of_the_one_line_message(orders, tmp_path):
    command = ["fit", str(orders), "--detector", "AutoEncoder", "--param", "epochz=3",
               "--save", str(tmp_path / "m.zip")]
    assert main(command) == 1
    with pytest.raises(Exception, match="no parameter epochz"):
        main([*command, "--traceback"])
    with pytest.raises(ValueError, match="not a skdeepad model file"):
        main(["score", str(orders), str(orders), "--traceback"])


def test_score_a_saved_pipeline(tmp_path, capsys):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skdeepad import AutoEncoder, save

    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(80, 3)), rng.normal(8, 1, size=(4, 3))])
    pipeline = make_pipeline(
        StandardScaler(), AutoEncoder(epochs=2, random_state=0, verbose=0)
    ).fit(X)
    save(pipeline, tmp_path / "pipe.zip")
    np.savez(tmp_path / "new.npz", X=X)
    out = tmp_path / "scores.csv"
    assert main(["score", str(tmp_path / "pipe.zip"), str(tmp_path / "new.npz"),
                 "--output", str(out)]) == 0
    with open(out) as fh:
        rows = list(csv.DictReader(fh))
    np.testing.assert_allclose(
        [float(r["decision"]) for r in rows], pipeline.decision_function(X)
    )
    assert [int(r["label"]) for r in rows] == pipeline.predict(X).tolist()


# ------------------------------------------------------------ fit and score
def _csv(path, X, header):
    np.savetxt(path, X, delimiter=",", header=",".join(header), comments="")
    return path


@pytest.fixture
def orders(tmp_path):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(150, 3)), rng.normal(7, 1, size=(6, 3))])
    labels = np.r_[np.zeros(150), np.ones(6)]
    return _csv(tmp_path / "orders.csv", np.column_stack([X, labels]),
                ["amount", "items", "minutes", "fraud"])


def test_fit_then_score_a_csv(orders, tmp_path):
    model, scores = tmp_path / "model.zip", tmp_path / "scores.csv"
    fitted = _skdeepad("fit", str(orders), "--detector", "AutoEncoder", "--save",
                       str(model), "--label", "fraud", "--param", "epochs=20",
                       "--param", "hidden_units=(8, 2)", "--param", "random_state=0",
                       "--param", "contamination=0.05")
    assert fitted.returncode == 0, fitted.stderr
    assert "fitted AutoEncoder on 156 rows" in fitted.stderr
    assert "epoch" in fitted.stdout.lower()  # Keras's progress bar
    scored = _skdeepad("score", str(model), str(orders), "--label", "fraud",
                       "--output", str(scores))
    assert scored.returncode == 0, scored.stderr
    with open(scores) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 156 and set(rows[0]) == {"score", "decision", "label"}
    labels = np.array([int(r["label"]) for r in rows])
    assert set(labels[-6:]) == {-1} and (labels == -1).sum() <= 12

    from skdeepad import load

    detector = load(model)
    assert detector.get_params()["hidden_units"] == (8, 2)
    assert detector.verbose == 0  # fitted with the progress bar, saved quiet
    X = np.loadtxt(orders, delimiter=",", skiprows=1)[:, :3]
    np.testing.assert_allclose([float(r["score"]) for r in rows],
                               detector.score_samples(X))


def test_fit_an_npz_with_a_nested_detector_and_score_to_stdout(tmp_path):
    series = np.sin(np.arange(200) / 5)[:, None]
    np.savez(tmp_path / "series.npz", X=series)
    model = tmp_path / "m.zip"
    fitted = _skdeepad("fit", str(tmp_path / "series.npz"), "--detector",
                       "WindowedDetector", "--param", "detector=ConvAutoEncoder",
                       "--param", "detector__epochs=2", "--param", "window=16",
                       "--save", str(model), "--quiet")
    assert fitted.returncode == 0, fitted.stderr
    scored = _skdeepad("score", str(model), str(tmp_path / "series.npz"))
    assert scored.returncode == 0, scored.stderr
    assert len(scored.stdout.splitlines()) == 201


@pytest.mark.parametrize(("args", "message"), [
    (["--detector", "NoSuchNet"], "unknown detector 'NoSuchNet'"),
    (["--detector", "AutoEncoder", "--param", "epochz=3"], "no parameter epochz"),
    (["--detector", "AutoEncoder", "--param", "epochs"], "write it as key=value"),
    (["--detector", "AutoEncoder", "--param", "epochs=-1"], "'epochs' parameter"),
    (["--detector", "ReconstructionDetector"], "missing 1 required"),
])
def test_fit_errors_exit_1_with_a_message(orders, tmp_path, args, message):
    result = _skdeepad("fit", str(orders), "--save", str(tmp_path / "m.zip"), *args)
    assert result.returncode == 1
    assert result.stderr.startswith("skdeepad fit: error:")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_data_and_model_errors_exit_1(orders, tmp_path):
    missing = _skdeepad("fit", str(tmp_path / "nope.csv"), "--detector", "AutoEncoder",
                        "--save", str(tmp_path / "m.zip"))
    assert missing.returncode == 1 and "no such file" in missing.stderr
    (tmp_path / "data.txt").write_text("1,2\n")
    wrong = _skdeepad("fit", str(tmp_path / "data.txt"), "--detector", "AutoEncoder",
                      "--save", str(tmp_path / "m.zip"))
    assert wrong.returncode == 1 and "unsupported file type '.txt'" in wrong.stderr
    bad_model = _skdeepad("score", str(orders), str(orders))
    assert bad_model.returncode == 1 and "not a skdeepad model file" in bad_model.stderr
    usage = _skdeepad("fit", str(orders))
    assert usage.returncode == 2 and "--detector" in usage.stderr


def test_parquet_files_are_read(orders, tmp_path):
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(orders)
    path = tmp_path / "orders.parquet"
    try:
        frame.to_parquet(path)
    except ImportError:
        result = _skdeepad("fit", str(orders).replace(".csv", ".parquet"),
                           "--detector", "AutoEncoder", "--save", str(tmp_path / "m"))
        assert result.returncode == 1
        pytest.skip("no Parquet engine installed")
    model = tmp_path / "m.zip"
    fitted = _skdeepad("fit", str(path), "--detector", "DeepSVDD", "--label", "fraud",
                       "--param", "epochs=2", "--save", str(model), "--quiet")
    assert fitted.returncode == 0, fitted.stderr
    scored = _skdeepad("score", str(model), str(path), "--label", "fraud")
    assert scored.returncode == 0 and len(scored.stdout.splitlines()) == 157


@pytest.fixture(params=["pandas", "no pandas"])
def reader(request, monkeypatch):
    """``read_table`` with pandas, then with ``import pandas`` failing."""
    from skdeepad._tables import read_table

    if request.param == "pandas":
        pytest.importorskip("pandas", exc_type=ImportError)
    else:
        monkeypatch.setitem(sys.modules, "pandas", None)
    return read_table


def _numbers(X):
    return np.asarray(X, dtype=np.float64)


def test_csv_reads_with_and_without_pandas(orders, reader):
    X, ids = reader(orders, label="fraud")
    assert X.shape == (156, 3) and ids is None
    expected = np.loadtxt(orders, delimiter=",", skiprows=1)
    np.testing.assert_array_equal(_numbers(X), expected[:, :3])


def test_a_byte_order_mark_or_no_data_row_with_and_without_pandas(tmp_path, reader):
    with_bom = tmp_path / "bom.csv"
    with_bom.write_text("label,a,b\n0,1,2\n1,3,4\n", encoding="utf-8-sig")
    X, _ = reader(with_bom, label="label")
    np.testing.assert_array_equal(_numbers(X), [[1.0, 2.0], [3.0, 4.0]])
    header_only = tmp_path / "header.csv"
    header_only.write_text("a,b\n")
    with pytest.raises(ValueError, match="header but no data row"):
        reader(header_only)


def test_rows_names_and_ids_read_alike_with_and_without_pandas(tmp_path, reader):
    # output rows are matched to input rows by position: none may be skipped
    path = tmp_path / "t.csv"
    path.write_text("id, b\n 007 ,1\n,\nx,3\n")
    X, ids = reader(path, id_column="id", columns=[" b"])  # names as written
    np.testing.assert_array_equal(_numbers(X), [[1.0], [np.nan], [3.0]])
    # what pandas reads as missing is missing without it too
    path.write_text("a,b\n1,NA\nNULL,2\n")
    np.testing.assert_array_equal(_numbers(reader(path)[0]), [[1, np.nan], [np.nan, 2]])
    # an empty id: NaN from pandas, "" without; both written as an empty cell
    assert [i if isinstance(i, str) and i else None for i in ids] == [
        " 007 ", None, "x"
    ]


def test_a_trailing_comma_or_a_longer_row_with_and_without_pandas(tmp_path, reader):
    # pandas took the first column of rows longer than the header as an index:
    # every column was read shifted, the label among the features
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("id,a,b,label\n101,1.0,10.0,0,\n102,2.0,20.0,1,\n")
    X, ids, labels = reader(trailing, label="label", id_column="id", with_labels=True)
    np.testing.assert_array_equal(_numbers(X), [[1.0, 10.0], [2.0, 20.0]])
    assert list(map(str, ids)) == ["101", "102"] and list(map(int, labels)) == [0, 1]
    longer = tmp_path / "longer.csv"
    longer.write_text("a,b,label\n1,2,0,9\n3,4,1\n")
    with pytest.raises(ValueError, match="longer.csv: .*(more fields|has 4 fields)"):
        reader(longer, label="label")


def test_unreadable_csv_files_are_named(tmp_path, reader):
    import gzip

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty.csv: "):
        reader(empty)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("caf\xe9,b\n1,2\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin.csv: could not be read as"):
        reader(latin)
    packed = gzip.compress(b"a,b\n" + b"1,2\n" * 2000)
    corrupt = tmp_path / "corrupt.csv"
    flipped = bytes(b ^ 0xFF for b in packed[40:80])
    corrupt.write_bytes(packed[:40] + flipped + packed[80:])
    with pytest.raises(ValueError, match="corrupt.csv: could not be read as"):
        reader(corrupt)
    compressed = tmp_path / "compressed.csv"  # gzip whatever its name, as read_rows
    compressed.write_bytes(packed)
    assert _numbers(reader(compressed)[0]).shape == (2000, 2)


def test_npz_files_that_are_not_archives_of_x_are_named(tmp_path):
    from skdeepad._tables import read_table

    np.save(tmp_path / "one.npy", np.zeros((3, 2)))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(ValueError, match=r"one.npz: a single NumPy array \(.npy\)"):
        read_table(tmp_path / "one.npz")
    (tmp_path / "text.npz").write_text("X,y\n1,0\n")
    with pytest.raises(ValueError, match="text.npz: not a readable") as caught:
        read_table(tmp_path / "text.npz")
    assert "pickle" not in str(caught.value)  # NumPy's advice to unpickle it
    np.savez(tmp_path / "other.npz", A=np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"other.npz: .*'X'; missing \['X'\]"):
        read_table(tmp_path / "other.npz")


def test_without_pandas_a_bad_row_is_named_by_its_file_line(tmp_path, monkeypatch):
    from skdeepad._tables import read_table

    monkeypatch.setitem(sys.modules, "pandas", None)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n\n\n3\n")  # blank lines before the short row
    with pytest.raises(ValueError, match="line 5 has 1 fields; the header has 2"):
        read_table(ragged)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("caf\xe9,b\n1,2\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin.csv: could not be read as UTF-8"):
        read_table(latin)
    repeated = tmp_path / "repeated.csv"  # its first column was read twice
    repeated.write_text("a,a\n1,2\n")
    with pytest.raises(ValueError, match="names 'a' more than once"):
        read_table(repeated)
    big = tmp_path / "big.csv"  # a field over the csv module's size limit
    big.write_text('a,b\n1,2\n"' + "x" * 200_000 + '",3\n')
    with pytest.raises(ValueError, match="big.csv: line 3 could not be read as CSV"):
        read_table(big)


# ------------------------------------------------ columns: --drop, --id, text
@pytest.fixture
def shop(tmp_path):
    """Orders with a text id ("0007": digits, leading zeros) and a text column."""
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(80, 3)), rng.normal(7, 1, size=(4, 3))])
    path = tmp_path / "shop.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["order_id", "amount", "items", "minutes", "country", "fraud"])
        for i, row in enumerate(X):
            writer.writerow([f"{i:04d}", *row, "DE" if i % 3 else "FR", int(i >= 80)])
    return path


def _table(path):
    with open(path, newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("option", ["--label", "--id"])
def test_a_repeated_label_or_id_exits_2(shop, tmp_path, capsys, option):
    with pytest.raises(SystemExit) as stop:
        main(["fit", str(shop), "--detector", "AutoEncoder", "--save",
              str(tmp_path / "m.zip"), option, "fraud", option, "country"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"{option} names one column; got 'fraud' and 'country'" in err
    assert not (tmp_path / "m.zip").exists()


def test_a_text_column_is_refused_by_name(shop, tmp_path, capsys):
    status = main(["fit", str(shop), "--detector", "AutoEncoder", "--label", "fraud",
                   "--id", "order_id", "--save", str(tmp_path / "m.zip")])
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("skdeepad fit: error:")
    assert "text column(s) 'country' (e.g. 'FR')" in err and "--drop country" in err
    assert "'order_id'" not in err  # an id column is no feature
    assert not (tmp_path / "m.zip").exists()


def test_text_columns_are_named_with_and_without_pandas(shop, reader):
    with pytest.raises(ValueError, match=r"column\(s\) 'country' \(e.g. 'FR'\)\. "
                       "Leave them out with --drop country"):
        reader(shop, label="fraud")
    (shop.parent / "ids.csv").write_text("order_id,amount\nA1,1\nB2,2\n")
    with pytest.raises(ValueError, match=r"'order_id' \(e.g. 'A1'\)"):
        reader(shop.parent / "ids.csv")


def test_drop_and_id_with_and_without_pandas(shop, reader):
    X, ids = reader(shop, label="fraud", drop=["country", "minutes"],
                    id_column="order_id")
    assert ids == [f"{i:04d}" for i in range(84)]  # as written: "0007", not 7
    expected = np.array(_table(shop)[1:])[:, 1:3].astype(np.float64)
    np.testing.assert_array_equal(_numbers(X), expected)
    if hasattr(X, "columns"):
        assert list(X.columns) == ["amount", "items"]
    with pytest.raises(ValueError, match="no column 'colour'; the columns are"):
        reader(shop, label="fraud", drop=["country", "colour"])


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_fit_drops_columns_and_score_writes_the_id_first(shop, tmp_path, capsys):
    from skdeepad import load

    model, scores = tmp_path / "m.zip", tmp_path / "scores.csv"
    columns = ["--label", "fraud", "--drop", "country", "--drop", "minutes",
               "--id", "order_id"]
    assert main(["fit", str(shop), "--detector", "AutoEncoder", *columns, "--param",
                 "epochs=2", "--param", "random_state=0", "--quiet",
                 "--save", str(model)]) == 0
    detector = load(model)
    assert detector.n_features_in_ == 2
    assert main(["score", str(model), str(shop), *columns,
                 "--output", str(scores)]) == 0
    rows = _table(scores)
    assert rows[0] == ["order_id", "score", "decision", "label"]
    assert [r[0] for r in rows[1:]] == [f"{i:04d}" for i in range(84)]
    X = np.array(_table(shop)[1:])[:, 1:3].astype(np.float64)
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]],
                               detector.score_samples(X))
    capsys.readouterr()


def test_score_reads_a_named_model_s_columns_by_name(shop, tmp_path):
    pytest.importorskip("pandas", exc_type=ImportError)
    model = tmp_path / "m.zip"
    assert main(["fit", str(shop), "--detector", "DeepSVDD", "--label", "fraud",
                 "--drop", "country", "--id", "order_id", "--param", "epochs=2",
                 "--quiet", "--save", str(model)]) == 0
    # No --label, --drop or --id: the columns the model was not fitted on
    # (text ones included) are left out.
    assert main(["score", str(model), str(shop), "--output",
                 str(tmp_path / "s.csv")]) == 0
    assert len(_table(tmp_path / "s.csv")) == 85
    status = main(["score", str(model), str(shop), "--drop", "items"])
    assert status == 1  # a column the model needs, left out


# ------------------------------------- --label: detectors that learn from labels
def _labelled_csv(path, cells):
    """Rows of an easy outlier task, the last 10 far out; ``cells`` the labels."""
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(150, 3)), rng.normal(8, 1, size=(10, 3))])
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["amount", "items", "minutes", "fraud"])
        writer.writerows([*row, cell] for row, cell in zip(X, cells, strict=True))
    return path


def test_fit_tunes_a_threshold_on_the_label_column(tmp_path, capsys):
    path = _labelled_csv(tmp_path / "o.csv", [0] * 150 + [1] * 10)  # 1 = anomaly
    model = tmp_path / "m.zip"
    status = main(["fit", str(path), "--detector", "TunedThresholdDetector",
                   "--param", "detector=DeepIsolationForest",
                   "--param", "detector__n_ensemble=2",
                   "--param", "detector__random_state=0",
                   "--label", "fraud", "--save", str(model), "--quiet"])
    assert status == 0
    err = capsys.readouterr().err
    assert "(10 labelled anomalies, 150 labelled normal, 0 unlabelled)" in err

    from skdeepad import load

    detector = load(model)
    # tuned on the labels: without them best_score_ is NaN (the inner threshold)
    assert detector.best_score_ > 0.5


def test_fit_reads_empty_label_cells_as_unlabelled(tmp_path, capsys):
    cells = [""] * 150 + ["-1"] * 3 + [""] * 7  # three known anomalies
    path = _labelled_csv(tmp_path / "o.csv", cells)
    status = main(["fit", str(path), "--detector", "DevNet", "--label", "fraud",
                   "--param", "epochs=2", "--param", "random_state=0",
                   "--save", str(tmp_path / "m.zip"), "--quiet"])
    assert status == 0
    err = capsys.readouterr().err
    assert "(3 labelled anomalies, 0 labelled normal, 157 unlabelled)" in err


@pytest.mark.parametrize("missing", ["", "NA", "nan", " ", "#NA", "-1.#IND"])
def test_missing_labels_read_alike_with_and_without_pandas(tmp_path, reader, missing):
    from skdeepad.cli import _partial_labels

    path = _labelled_csv(tmp_path / "o.csv", [missing] * 157 + ["0", "1", "0"])
    _, _, column = reader(path, label="fraud", with_labels=True)
    y = _partial_labels(column, "o.csv")
    assert (y == 0).sum() == 157 and y[-3:].tolist() == [1, -1, 1]


def test_empty_label_cells_are_none_with_and_without_pandas(tmp_path, reader):
    path = tmp_path / "o.csv"
    path.write_text("a,fraud\n1,\n2,-1\n3,1\n")
    X, ids, labels = reader(path, label="fraud", with_labels=True)
    assert _numbers(X).ravel().tolist() == [1.0, 2.0, 3.0] and ids is None
    assert [None if v is None else float(v) for v in labels] == [None, -1.0, 1.0]
    assert reader(path, with_labels=True)[2] is None  # no --label


@pytest.mark.parametrize(("cells", "message"), [
    ([""] * 157 + ["1"] * 3, "every labelled row is 1, which is ambiguous"),
    (["no"] * 150 + ["yes"] * 10, "labels must be numbers .* got \\['no', 'yes'\\]"
     ".*--drop"),
    ([0] * 149 + ["?"] + [1] * 10, "got \\['\\?'\\]"),  # the bad value itself
    (["False"] * 150 + ["True"] * 10, "labels must be numbers .*'False', 'True'"),
    ([0] * 150 + [2] * 10, "labels must be 0/1"),
    ([0] * 150 + [-1] * 10, "-1 and 0, two conventions.*leave the unlabelled"),
])
def test_bad_label_columns_exit_1(tmp_path, capsys, cells, message, reader):
    path = _labelled_csv(tmp_path / "o.csv", cells)
    status = main(["fit", str(path), "--detector", "DevNet", "--label", "fraud",
                   "--save", str(tmp_path / "m.zip"), "--quiet"])
    assert status == 1
    err = capsys.readouterr().err
    assert err.startswith("skdeepad fit: error:") and "--label fraud" in err
    assert re.search(message, err)
    assert not (tmp_path / "m.zip").exists()


def test_a_detector_that_learns_no_labels_leaves_the_label_column_out(tmp_path):
    path = _labelled_csv(tmp_path / "o.csv", ["no"] * 150 + ["yes"] * 10)
    model = tmp_path / "m.zip"
    status = main(["fit", str(path), "--detector", "DeepIsolationForest",
                   "--param", "n_ensemble=2", "--label", "fraud",
                   "--save", str(model), "--quiet"])
    assert status == 0  # text labels: read by nobody
    from skdeepad import load

    assert load(model).n_features_in_ == 3


# ------------------------------------------- outputs, stdout and closed pipes
def test_outputs_that_would_overwrite_an_input_are_refused(orders, tmp_path, capsys):
    model = tmp_path / "model.zip"
    fit = ["fit", str(orders), "--detector", "AutoEncoder", "--label", "fraud",
           "--param", "epochs=1", "--quiet"]
    assert main([*fit, "--save", str(model)]) == 0
    data, saved = orders.read_bytes(), model.read_bytes()
    capsys.readouterr()
    for command in [
        [*fit, "--save", str(orders)],
        ["score", str(model), str(orders), "--label", "fraud", "--output", str(model)],
        ["benchmark", "--data", str(orders), "--label", "fraud", "--detectors",
         "kNN", "--output", str(orders), "--no-progress"],
    ]:
        assert main(command) == 1
        assert "the command reads this file" in capsys.readouterr().err
    assert orders.read_bytes() == data and model.read_bytes() == saved
    # an unwritable --save is refused before the fit, not after it
    assert main([*fit, "--save", str(tmp_path / "no" / "m.zip")]) == 1
    assert "--save" in capsys.readouterr().err
    # a parameter given twice is refused, as --label and --id are
    assert main([*fit, "--param", "epochs=2", "--save", str(model)]) == 1
    assert "--param epochs is given twice" in capsys.readouterr().err


def test_score_writes_unix_lines_to_stdout(orders, tmp_path, capsys):
    model = tmp_path / "model.zip"
    assert main(["fit", str(orders), "--detector", "AutoEncoder", "--label", "fraud",
                 "--param", "epochs=1", "--quiet", "--save", str(model)]) == 0
    capsys.readouterr()
    assert main(["score", str(model), str(orders), "--label", "fraud"]) == 0
    out = capsys.readouterr().out
    assert "\r" not in out and len(out.split("\n")) == 158  # header, 156, ""


def test_score_keeps_text_columns_a_saved_pipeline_encodes(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    import skdeepad

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(60, 2)), columns=["x", "y"])
    frame["color"] = np.where(rng.rand(60) < 0.5, "red", "blue")
    encode = make_column_transformer(
        (OneHotEncoder(), ["color"]), (StandardScaler(), ["x", "y"])
    )
    pipe = make_pipeline(encode, skdeepad.AutoEncoder(epochs=1, random_state=0))
    skdeepad.save(pipe.fit(frame), tmp_path / "pipe.zip")
    frame.to_csv(tmp_path / "new.csv", index=False)
    capsys.readouterr()
    assert main(["score", str(tmp_path / "pipe.zip"), str(tmp_path / "new.csv")]) == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    np.testing.assert_allclose(
        [float(r["score"]) for r in rows], pipe.score_samples(frame)
    )


def test_a_reader_closing_the_pipe_ends_score_quietly(tmp_path):
    X = np.random.RandomState(0).normal(size=(5000, 2))
    np.savez(tmp_path / "rows.npz", X=X)
    model = tmp_path / "m.zip"
    assert main(["fit", str(tmp_path / "rows.npz"), "--detector", "AutoEncoder",
                 "--param", "epochs=1", "--quiet", "--save", str(model)]) == 0
    score = subprocess.Popen(
        [sys.executable, "-m", "skdeepad", "score", str(model),
         str(tmp_path / "rows.npz")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert score.stdout.readline() == b"score,decision,label\n"
    score.stdout.close()  # as `| head -1` does
    _, err = score.communicate(timeout=120)
    # neither our message nor Python's on a pipe closed at exit
    assert b"skdeepad score: error" not in err and b"BrokenPipe" not in err
