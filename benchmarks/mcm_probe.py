"""A probe of MCM (masked cell modelling), clean-train; not a detector of the package.

MCM (Yin et al., "MCM: Masked Cell Modeling for Anomaly Detection in Tabular
Data", ICLR 2024; the authors' PyTorch code is public) learns ``n_masks``
networks, each mapping a sample to a soft mask of its features (a sigmoid),
and one autoencoder that reconstructs the whole sample from each masked copy.
It is trained on the mean L2 reconstruction error plus ``lambda`` (5) times a
diversity loss that keeps the masks apart (a contrastive loss between each
sample's normalised mask logits, temperature 0.1). The anomaly score is the
mean reconstruction error over the masks. As the authors: bias-free dense
layers, three per mask network (ReLU), encoder and decoder of three (leaky
ReLU 0.2), Adam at 0.05 with weight decay 1e-5 decayed by 0.98 an epoch,
batches of 512. Smaller than theirs, for two CPU cores: hidden width 128 and
code 64 (theirs 256 and 128), 100 epochs (theirs 200), the last epoch kept.

Fitted under ``quality.py``'s clean-train protocol (at most 5,000 rows, half the
normal rows train, standardised on them) on the 15 development sets of
``tune_defaults.DEV_SETS`` or, with ``--all``, on all 43.

    python benchmarks/mcm_probe.py [--seeds 0,1,2] [--all]

Results: benchmarks/results/mcm_probe.md.
"""

import argparse
import time
import warnings
from pathlib import Path

import keras
import numpy as np
from keras import layers, ops
from quality import DEFAULT_DATA, clean_split, load_raw
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler
from tune_defaults import DEV_SETS


class MaskedCells(layers.Layer):
    """Masks, reconstructions and the diversity loss; returns each sample's error."""

    def __init__(self, d, n_masks=15, hidden=256, z=128, lam=5.0, temp=0.1, seed=0):
        super().__init__()
        self.n_masks, self.lam, self.temp = n_masks, lam, temp

        def dense(units, key, activation=None):
            init = keras.initializers.GlorotUniform(seed=seed + key)
            return layers.Dense(
                units, use_bias=False, activation=activation, kernel_initializer=init
            )

        self.masks = [
            [dense(d, 100 * m + j, a) for j, a in enumerate(["relu", "relu", None])]
            for m in range(n_masks)
        ]
        self.encoder = [dense(hidden, 5000), dense(hidden, 5001), dense(z, 5002)]
        self.decoder = [dense(hidden, 6000), dense(hidden, 6001), dense(d, 6002)]

    def call(self, x):
        logits = []
        for net in self.masks:
            h = x
            for layer in net:
                h = layer(h)
            logits.append(h)
        logits = ops.stack(logits, axis=1)  # (batch, masks, features)
        h = ops.sigmoid(logits) * ops.expand_dims(x, 1)
        for stack in (self.encoder, self.decoder):
            for i, layer in enumerate(stack):
                h = layer(h)
                if i < len(stack) - 1:
                    h = ops.leaky_relu(h, 0.2)
        residual = h - ops.expand_dims(x, 1)
        error = ops.sqrt(ops.sum(ops.square(residual), axis=-1) + 1e-12)
        unit = logits / ops.sqrt(ops.sum(ops.square(logits), -1, keepdims=True) + 1e-12)
        similar = ops.exp(ops.einsum("nmd,nkd->nmk", unit, unit) / self.temp)
        others = ops.sum(similar * (1.0 - ops.eye(self.n_masks)), axis=-1)
        k = self.n_masks - 1
        diversity = ops.sum(ops.log(others), axis=1) / abs(k * np.log(1.0 / k))
        self.add_loss(self.lam * ops.mean(diversity))
        return ops.mean(error, axis=1)


def anomaly_scores(X_train, X_test, seed, epochs=100, hidden=128, z=64, n_masks=15):
    keras.utils.set_random_seed(seed)  # a benchmark's own process: global seeding
    scaler = StandardScaler().fit(X_train)
    train = scaler.transform(X_train).astype("float32")
    test = scaler.transform(X_test).astype("float32")
    inputs = keras.Input((train.shape[1],))
    cells = MaskedCells(train.shape[1], n_masks=n_masks, hidden=hidden, z=z, seed=seed)
    model = keras.Model(inputs, cells(inputs))
    steps = max(1, int(np.ceil(len(train) / 512)))
    rate = keras.optimizers.schedules.ExponentialDecay(
        0.05, decay_steps=steps, decay_rate=0.98, staircase=True
    )
    model.compile(
        keras.optimizers.Adam(rate, weight_decay=1e-5),
        loss=lambda _, error: ops.mean(error),
    )
    model.fit(train, np.zeros(len(train)), batch_size=512, epochs=epochs, verbose=0)
    return np.asarray(model.predict(test, batch_size=2048, verbose=0))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--all", action="store_true", help="all 43 sets")
    args = parser.parse_args()
    names = DEV_SETS
    if args.all:
        names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
    warnings.simplefilter("ignore")
    for seed in map(int, args.seeds.split(",")):
        began, aucs = time.perf_counter(), []
        for name in names:
            X, y = load_raw(Path(DEFAULT_DATA) / f"{name}.npz", seed=seed)
            X_train, X_test, y_test = clean_split(X, y, seed)
            aucs.append(roc_auc_score(y_test, anomaly_scores(X_train, X_test, seed)))
            print(f"seed {seed} {name} {aucs[-1]:.4f}", flush=True)
        print(
            f"seed {seed}: mean ROC-AUC {np.mean(aucs):.4f} over {len(aucs)} sets "
            f"({time.perf_counter() - began:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
