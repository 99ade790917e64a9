#!/usr/bin/python3
"""PyTorch yardstick for MLForge's training engine.

Reads an MLForge model JSON (src/ir/schema.ts), builds the equivalent torch
model (NCHW, same MACs; 'same' padding TensorFlow-style, asymmetric where
needed), and measures training samples/s (forward + loss + backward + Adam
step) and inference samples/s at one batch size, on random data, with
torch.set_num_threads(2). Cross-entropy on logits when the model ends in
softmax (the softmax layer is dropped), else MSE against a random target.

It is a yardstick, not a twin: flatten/reshape keep torch's NCHW order, which
changes nothing about the cost.

  /usr/bin/python3 bench/torch_bench.py MODEL.json --batch 32 --steps 50
  → {"framework":"pytorch","model":...,"batch":...,"trainSamplesPerSec":...,"inferSamplesPerSec":...}
(plus the same two rates at the median step, `...Median`, which resist a busy machine)
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def same_pads(size, k, s):
    """TF 'same': out = ceil(size/s); total = max((out-1)*s + k - size, 0); before = total//2."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


class Pad2d(nn.Module):
    """Pads (N,C,H,W) by (left, right, top, bottom) with a constant."""

    def __init__(self, pads, value=0.0):
        super().__init__()
        self.pads, self.value = pads, value

    def forward(self, x):
        return F.pad(x, self.pads, value=self.value)


class Graph(nn.Module):
    """Runs MLForge layers in order; each reads the previous output unless `inputs` names others."""

    def __init__(self, model):
        super().__init__()
        self.names, self.inputs, self.kinds = [], [], []
        self.mods = nn.ModuleList()
        shapes = {"input": list(model["input"]["shape"])}
        prev = "input"
        layers = model["layers"]
        if layers and layers[-1]["type"] == "softmax":
            layers = layers[:-1]
            self.classify = True
        else:
            self.classify = False
        for L in layers:
            ins = L.get("inputs") or [prev]
            shape = shapes[ins[0]]
            mod, out = self._build(L, shape)
            self.names.append(L["name"])
            self.inputs.append(ins)
            self.kinds.append(L["type"])
            self.mods.append(mod)
            shapes[L["name"]] = out
            prev = L["name"]
        self.out_shape = shapes[prev]

    @staticmethod
    def _build(L, shape):
        t = L["type"]
        if t in ("conv2d", "depthwise_conv2d", "conv1d"):
            if t == "conv1d":
                H, W, C = 1, shape[0], shape[1]
                kh, kw = 1, int(L["kernel"])
                sh, sw = 1, int(L.get("stride", 1))
            else:
                H, W, C = shape
                kh, kw = pair(L["kernel"])
                sh, sw = pair(L.get("stride", 1))
            pad = L.get("padding", "same")
            if pad == "same":
                oh, pt, pb = same_pads(H, kh, sh)
                ow, pl, pr = same_pads(W, kw, sw)
            else:
                oh, ow, pt, pb, pl, pr = (H - kh) // sh + 1, (W - kw) // sw + 1, 0, 0, 0, 0
            if t == "depthwise_conv2d":
                mult = int(L.get("depthMultiplier", 1))
                cout, groups = C * mult, C
            else:
                cout, groups = int(L["filters"]), 1
            bias = bool(L.get("useBias", True))
            conv = nn.Conv2d(C, cout, (kh, kw), (sh, sw), groups=groups, bias=bias)
            mods = [] if (pt, pb, pl, pr) == (0, 0, 0, 0) else [Pad2d((pl, pr, pt, pb))]
            mod = nn.Sequential(*mods, conv)
            out = [ow, cout] if t == "conv1d" else [oh, ow, cout]
            if t == "conv1d":
                mod = nn.Sequential(Unsq(), mod, Sq())
            return mod, out
        if t == "dense":
            fin = math.prod(shape)
            return nn.Linear(fin, int(L["units"]), bias=bool(L.get("useBias", True))), [int(L["units"])]
        if t == "batch_norm":
            C = shape[-1]
            eps = float(L.get("epsilon", 1e-3))
            mom = 1.0 - float(L.get("momentum", 0.99))
            bn = {1: nn.BatchNorm1d, 2: nn.BatchNorm1d, 3: nn.BatchNorm2d}[len(shape)](C, eps=eps, momentum=mom)
            return bn, shape
        if t == "relu":
            return nn.ReLU(), shape
        if t == "relu6":
            return nn.ReLU6(), shape
        if t == "add":
            return nn.Identity(), shape
        if t in ("avg_pool", "max_pool"):
            H, W, C = shape
            kh, kw = pair(L["pool"])
            sh, sw = pair(L.get("stride", L["pool"]))
            pad = L.get("padding", "valid")
            if pad == "same":
                oh, pt, pb = same_pads(H, kh, sh)
                ow, pl, pr = same_pads(W, kw, sw)
            else:
                oh, ow, pt, pb, pl, pr = (H - kh) // sh + 1, (W - kw) // sw + 1, 0, 0, 0, 0
            if t == "avg_pool":
                pool = nn.AvgPool2d((kh, kw), (sh, sw))
                padv = 0.0
            else:
                pool = nn.MaxPool2d((kh, kw), (sh, sw))
                padv = -math.inf
            mods = [] if (pt, pb, pl, pr) == (0, 0, 0, 0) else [Pad2d((pl, pr, pt, pb), padv)]
            return nn.Sequential(*mods, pool), [oh, ow, C]
        if t == "global_avg_pool":
            return GAP(), [shape[-1]]
        if t == "flatten":
            return nn.Flatten(), [math.prod(shape)]
        if t == "reshape":
            return Reshape(L["shape"]), list(L["shape"])
        if t == "dropout":
            return nn.Dropout(float(L["rate"])), shape
        if t == "softmax":
            return nn.Softmax(dim=1), shape
        raise ValueError(f"unsupported layer type {t}")

    def forward(self, x):
        vals = {"input": x}
        last = x
        for name, ins, kind, mod in zip(self.names, self.inputs, self.kinds, self.mods):
            if kind == "add":
                last = vals[ins[0]] + vals[ins[1]]
            else:
                last = mod(vals[ins[0]])
            vals[name] = last
        return last


class Unsq(nn.Module):
    def forward(self, x):  # (N, C, L) -> (N, C, 1, L)
        return x.unsqueeze(2)


class Sq(nn.Module):
    def forward(self, x):
        return x.squeeze(2)


class GAP(nn.Module):
    def forward(self, x):
        return x.mean(dim=tuple(range(2, x.dim())))


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        s = list(shape)
        # NHWC per-sample shape -> channels first for rank 2/3
        self.shape = [s[-1]] + s[:-1] if len(s) > 1 else s

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


def torch_input_shape(shape):
    return [shape[-1]] + list(shape[:-1]) if len(shape) > 1 else list(shape)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.model) as f:
        spec = json.load(f)
    model = Graph(spec)
    B = args.batch
    x = torch.randn(B, *torch_input_shape(spec["input"]["shape"]))
    out_dim = math.prod(model.out_shape)
    if model.classify:
        y = torch.randint(0, out_dim, (B,))
        loss_fn = nn.CrossEntropyLoss()
    else:
        y = torch.randn(B, *torch_input_shape(model.out_shape))
        loss_fn = nn.MSELoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def timed(fn):
        """(samples/s over all steps, samples/s at the median step): the median resists a busy machine."""
        for _ in range(args.warmup):
            fn()
        times = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return B * len(times) / sum(times), B / sorted(times)[len(times) // 2]

    model.train()
    train_sps, train_med = timed(train_step)
    model.eval()
    with torch.inference_mode():
        infer_sps, infer_med = timed(lambda: model(x))

    print(json.dumps({
        "framework": "pytorch",
        "torch": torch.__version__,
        "model": spec.get("name"),
        "batch": B,
        "threads": args.threads,
        "trainSamplesPerSec": round(train_sps, 1),
        "inferSamplesPerSec": round(infer_sps, 1),
        "trainSamplesPerSecMedian": round(train_med, 1),
        "inferSamplesPerSecMedian": round(infer_med, 1),
    }))


if __name__ == "__main__":
    main()
