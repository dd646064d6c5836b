"""The NSL-KDD and UNSW-NB15 loaders, on small files in their layouts."""

import numpy as np
import pytest

from skdeepad.datasets import load_nsl_kdd, load_unsw_nb15


def _kdd_line(protocol, service, flag, attack, difficulty=None, duration=0):
    values = [duration, protocol, service, flag, 181, 5450] + [0] * 35
    values += [attack] + ([] if difficulty is None else [difficulty])
    return ",".join(map(str, values))


@pytest.fixture
def nsl_files(tmp_path):
    train = tmp_path / "KDDTrain+.txt"
    train.write_text(
        "\n".join(
            [
                _kdd_line("tcp", "http", "SF", "normal", 20, duration=3),
                _kdd_line("udp", "private", "SF", "neptune", 21),
                _kdd_line("icmp", "ecr_i", "REJ", "smurf", 19),
                _kdd_line("tcp", "ftp", "S0", "guess_passwd", 15),
                _kdd_line("tcp", "http", "SF", "buffer_overflow", 11),
                "",
            ]
        )
    )
    test = tmp_path / "KDDTest-21.txt"
    test.write_text(
        "\n".join(
            [
                _kdd_line("tcp", "telnet", "SF", "normal"),
                _kdd_line("udp", "private", "RSTO", "mscan"),
                _kdd_line("tcp", "http", "SF", "new_attack"),
            ]
        )
    )
    return train, test


def test_load_nsl_kdd_encodes_labels_and_families(nsl_files):
    train, _ = nsl_files
    data = load_nsl_kdd(train)
    assert data.X.dtype == np.float64
    # 38 numeric features + 3 protocols + 4 services + 3 flags
    assert data.X.shape == (5, 38 + 3 + 4 + 3)
    assert data.feature_names[:5] == [
        "duration",
        "protocol_type=icmp",
        "protocol_type=tcp",
        "protocol_type=udp",
        "service=ecr_i",
    ]
    assert data.X[:, 0].tolist() == [3, 0, 0, 0, 0]
    assert data.X[:, data.feature_names.index("service=http")].tolist() == [
        1,
        0,
        0,
        0,
        1,
    ]
    assert data.y.tolist() == [1, -1, -1, -1, -1]
    assert data.attack.tolist() == [
        "normal",
        "neptune",
        "smurf",
        "guess_passwd",
        "buffer_overflow",
    ]
    assert data.family.tolist() == ["normal", "dos", "dos", "r2l", "u2r"]
    assert data.difficulty.tolist() == [20, 21, 19, 15, 11]
    assert data.categories["flag"] == ["REJ", "S0", "SF"]


def test_load_nsl_kdd_test_file_takes_the_training_columns(nsl_files):
    train_path, test_path = nsl_files
    train = load_nsl_kdd(train_path)
    test = load_nsl_kdd(test_path, categories=train.categories)
    assert test.feature_names == train.feature_names
    # "telnet" and "RSTO" are not among the training values: all-zero indicators
    services = [i for i, n in enumerate(test.feature_names) if n.startswith("service=")]
    assert test.X[0, services].sum() == 0
    assert test.X[2, test.feature_names.index("service=http")] == 1
    assert test.family.tolist() == ["normal", "probe", "unknown"]
    assert test.difficulty.tolist() == [-1, -1, -1]  # the 42-column layout
    ordinal = load_nsl_kdd(
        test_path, categorical="ordinal", categories=train.categories
    )
    assert ordinal.X.shape == (3, 41)
    assert ordinal.X[:, ordinal.feature_names.index("service")].tolist() == [-1, 3, 2]


@pytest.mark.parametrize(
    "content, match",
    [
        ("1,2,3\n", "41 features.*line 1 has 3"),
        (
            _kdd_line("tcp", "http", "SF", "normal", 20)
            + "\n"
            + _kdd_line("tcp", "http", "SF", "normal")
            + "\n",
            "line 2 has 42",
        ),
        (
            _kdd_line("tcp", "http", "SF", "normal", 20).replace("181", "lots", 1),
            "column 'src_bytes' must be numeric; it holds 'lots'",
        ),
        (
            _kdd_line("tcp", "http", "SF", "normal", 20).replace("181", "nan", 1),
            "column 'src_bytes' must hold finite numbers; it holds 'nan'",
        ),
        ("", "empty"),
        (_kdd_line("tcp", "http", "SF", "normal", "2.0"), "difficulty.*integer"),
    ],
)
def test_load_nsl_kdd_wrong_layout(tmp_path, content, match):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        load_nsl_kdd(path)


def test_load_nsl_kdd_reads_kdd_cup_99s_dotted_labels(tmp_path):
    path = tmp_path / "kddcup.data"
    lines = [
        _kdd_line("tcp", "http", "SF", a) for a in ("normal.", "smurf.", "normal.")
    ]
    path.write_text("\n".join(lines) + "\n")
    data = load_nsl_kdd(path)
    assert data.y.tolist() == [1, -1, 1]
    assert data.family.tolist() == ["normal", "dos", "normal"]


def test_load_nsl_kdd_reads_a_gzip_file_as_published(tmp_path, nsl_files):
    import gzip

    packed = tmp_path / "kddcup.data_10_percent.gz"
    packed.write_bytes(gzip.compress(nsl_files[0].read_bytes()))
    data, plain = load_nsl_kdd(packed), load_nsl_kdd(nsl_files[0])
    np.testing.assert_array_equal(data.X, plain.X)
    assert data.y.tolist() == plain.y.tolist()
    # a bad row is numbered by its line in the file, blank lines counted
    bad = tmp_path / "bad.txt"
    bad.write_text("\n\n" + _kdd_line("tcp", "http", "SF", "normal") + "\n1,2,3\n")
    with pytest.raises(ValueError, match="line 4 has 3"):
        load_nsl_kdd(bad)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(_kdd_line("tcp", "http", "SF", "caf\xe9").encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin.txt: could not be read as UTF-8"):
        load_nsl_kdd(latin)


def test_load_nsl_kdd_bad_parameters(nsl_files):
    with pytest.raises(ValueError, match="categorical must be 'onehot' or 'ordinal'"):
        load_nsl_kdd(nsl_files[0], categorical="binary")
    with pytest.raises(ValueError, match=r"missing \['service', 'flag'\]"):
        load_nsl_kdd(nsl_files[0], categories={"protocol_type": ["tcp"]})
    with pytest.raises(
        TypeError, match=r"categories\['protocol_type'\] must be a list"
    ):
        load_nsl_kdd(
            nsl_files[0],
            categories={"protocol_type": "tcp", "service": ["http"], "flag": ["SF"]},
        )


UNSW_HEADER = (
    "id,dur,proto,service,state,spkts,sbytes,rate,is_sm_ips_ports,attack_cat,label"
)


@pytest.fixture
def unsw_file(tmp_path):
    path = tmp_path / "UNSW_NB15_training-set.csv"
    path.write_text(
        "\n".join(
            [
                UNSW_HEADER,
                "1,0.121,tcp,-,FIN,6,258,74.08,0,Normal,0",
                "2,0.649,udp,dns,INT,14,734,78.47,0,Generic,1",
                "3,1.623,tcp,http,FIN,8,364,14.17,0, Exploits ,1",
                "4,0.000,arp,-,INT,2,46,0,0,Normal,0",
            ]
        )
        + "\n"
    )
    return path


def test_load_unsw_nb15_drops_the_id_after_a_byte_order_mark(unsw_file):
    with_bom = unsw_file.with_name("bom.csv")
    with_bom.write_text(unsw_file.read_text(), encoding="utf-8-sig")
    data = load_unsw_nb15(with_bom)
    assert data.feature_names == load_unsw_nb15(unsw_file).feature_names
    assert data.feature_names[0] == "dur"


def test_load_unsw_nb15(unsw_file):
    data = load_unsw_nb15(unsw_file)
    # dur, 3 protos, spkts, sbytes, rate, is_sm_ips_ports, 3 services, 2 states
    assert data.X.shape == (4, 5 + 3 + 3 + 2)
    assert "id" not in data.feature_names and "label" not in data.feature_names
    assert data.feature_names[:4] == ["dur", "proto=arp", "proto=tcp", "proto=udp"]
    assert data.y.tolist() == [1, -1, -1, 1]
    assert data.attack.tolist() == ["Normal", "Generic", "Exploits", "Normal"]
    assert data.family.tolist() == data.attack.tolist()
    assert data.X[:, 0].tolist() == [0.121, 0.649, 1.623, 0.0]
    ordinal = load_unsw_nb15(unsw_file, categorical="ordinal")
    assert ordinal.feature_names[:4] == ["dur", "proto", "service", "state"]
    assert ordinal.X[:, 2].tolist() == [0, 1, 2, 0]  # "-", "dns", "http"
    again = load_unsw_nb15(unsw_file, categories=data.categories)
    np.testing.assert_array_equal(again.X, data.X)


@pytest.mark.parametrize(
    "lines, match",
    [
        (
            ["id,dur,proto,label", "1,0.1,tcp,0"],
            r"missing \['service', 'state', 'attack_cat'\]",
        ),
        ([UNSW_HEADER, "1,0.1,tcp,-,FIN,6,258,74,0,Normal"], "line 2 has 10 fields"),
        (
            [UNSW_HEADER, "1,0.1,tcp,-,FIN,6,258,74,0,Normal,2"],
            "0 .normal. or 1 .attack.",
        ),
        (
            [UNSW_HEADER, "1,fast,tcp,-,FIN,6,258,74,0,Normal,0"],
            "column 'dur' must be numeric",
        ),
        (
            [UNSW_HEADER, "1,inf,tcp,-,FIN,6,258,74,0,Normal,0"],
            "column 'dur' must hold finite numbers; it holds 'inf'",
        ),
        ([UNSW_HEADER], "a header but no data row"),
        (
            [UNSW_HEADER.replace("rate", "dur"), "1,0.1,tcp,-,FIN,6,258,74,0,Normal,0"],
            "the header names 'dur' more than once",
        ),
        # the bad row numbered by its line in the file, blank lines counted
        (
            [UNSW_HEADER, "", "  ", "1,0.1,tcp,-,FIN,6,258,74,0,Normal"],
            "line 4 has 10 fields",
        ),
    ],
)
def test_load_unsw_nb15_wrong_layout(tmp_path, lines, match):
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=match):
        load_unsw_nb15(path)
