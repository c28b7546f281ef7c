"""Update rules for gradient descent: SGD, Momentum, RMSprop, Adam and AdamW.

One small class per rule. Each keeps its state in plain attributes a learner can
print: ``self.v`` (first moment, the average of ``dW``), ``self.s`` (second moment,
the average of ``dW**2``), both dicts keyed like the parameters (``"W1"``, ``"b1"`` …),
and ``self.t``, the number of steps taken (1 during the first step; bias correction
uses it).

Usage, with ``grads`` holding ``dW1, db1, …`` for ``params`` holding ``W1, b1, …``::

    opt = Adam(lr=0.001)
    for epoch in range(epochs):
        opt.lr = schedule(epoch)         # the learning rate may change between steps
        ...
        opt.step(params, grads)          # updates the arrays of ``params`` in place

``step`` changes the parameter arrays **in place** (the dict keeps the same array
objects), so a model that holds those arrays sees the new values at once. ``reset()``
forgets the moments and the step counter, as if the optimizer were new.
"""
from __future__ import annotations

import numpy as np

from nnlab.checks import check_beta, check_positive, check_range, check_same_keys


class Optimizer:
    """What every update rule shares: the learning rate, the step counter, ``step``."""

    def __init__(self, lr: float):
        self.lr = lr
        self.t = 0
        self.v: dict[str, np.ndarray] = {}
        self.s: dict[str, np.ndarray] = {}

    @property
    def lr(self) -> float:
        """The learning rate α (> 0); a schedule may set it between steps."""
        return self._lr

    @lr.setter
    def lr(self, value: float):
        self._lr = float(check_positive("lr", value))

    def reset(self):
        """Forget the moments and set the step counter back to 0."""
        self.t = 0
        self.v = {}
        self.s = {}

    def step(self, params: dict, grads: dict) -> dict:
        """Apply one update to every array of ``params`` in place and return ``params``.

        All or nothing: every array and gradient is checked (float arrays that can be
        written in place; gradients of the same keys and shapes, real and finite, and for
        the rules that square them below ``1e150``) before the first one changes, so a
        bad gradient leaves ``params``, the moments and ``t`` as they were."""
        check_same_keys(params, grads)
        for key, W in params.items():
            if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
                raise ValueError(
                    f"params['{key}'] must be a float NumPy array (it is updated in place), "
                    f"got {type(W).__name__}"
                    + (f" of dtype {W.dtype}" if isinstance(W, np.ndarray) else ""))
            if not np.all(np.isfinite(W)):
                raise ValueError(f"params['{key}'] must hold finite numbers (a run that "
                                 "diverged? start again from finite parameters)")
            if not W.flags.writeable:
                raise ValueError(f"params['{key}'] must be writeable (it is updated in place)")
            if self._max_grad is not None and np.size(grads["d" + key]) and \
                    np.max(np.abs(grads["d" + key])) > self._max_grad:
                raise ValueError(
                    f"grads['d{key}'] has entries up to {np.max(np.abs(grads['d' + key])):.3g}: "
                    f"{type(self).__name__} squares gradients, and above "
                    f"{self._max_grad:g} the square overflows. The run has diverged: try a "
                    "smaller learning rate")
        self.t += 1
        for key, W in params.items():
            self._update(key, W, np.asarray(grads["d" + key]))
        return params

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray):
        raise NotImplementedError

    def _moment(self, store: dict, key: str, W: np.ndarray) -> np.ndarray:
        # Moments start at 0 (v_0 = s_0 = 0), created the first time a key is seen.
        if key not in store:
            store[key] = np.zeros_like(W)
        return store[key]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._hyper)
        return f"{type(self).__name__}({args})"

    _hyper: tuple = ("lr",)
    _max_grad: float | None = None  # the largest |gradient| the rule can take (None: any)


class SGD(Optimizer):
    """Plain gradient descent: ``W := W − α dW``.

    On a mini-batch this is mini-batch gradient descent; with one example per batch it
    is stochastic gradient descent. It keeps no state.
    """

    def _update(self, key, W, dW):
        W -= self.lr * dW


class Momentum(Optimizer):
    """Gradient descent with momentum: a running average of the gradients.

    ``v_dW := β v_dW + (1 − β) dW``,  then  ``W := W − α v_dW``  (``v_dW`` starts at 0).

    Averaging cancels the components of ``dW`` that flip sign from step to step (the
    oscillation across a narrow valley) and keeps the ones that agree (the way down
    it). There is no bias correction: after about ``1/(1 − β)`` steps the average has
    warmed up, and with ``β = 0.9`` that is ten steps. ``β = 0`` is plain SGD.
    """

    _hyper = ("lr", "beta")

    def __init__(self, lr: float = 0.01, beta: float = 0.9):
        super().__init__(lr)
        self.beta = float(check_beta("beta", beta))

    def _update(self, key, W, dW):
        v = self._moment(self.v, key, W)
        v *= self.beta
        v += (1.0 - self.beta) * dW
        W -= self.lr * v


class RMSprop(Optimizer):
    """RMSprop: divide each step by a running root-mean-square of that weight's gradient.

    ``s_dW := β s_dW + (1 − β) dW²``,  then  ``W := W − α dW / (√s_dW + ε)``.

    A weight whose gradient is large and oscillating gets a large ``s_dW`` and so a
    small step; a weight with a small, steady gradient gets a relatively larger one.

    The default ``β = 0.9`` is the value of Hinton's lecture that introduced RMSprop.
    RMSprop has no bias correction, so its first step is ``α dW / √((1 − β) dW²) =
    α / √(1 − β)`` per weight: about ``3.2 α`` with ``β = 0.9`` but ``32 α`` with
    ``β = 0.999``. That is why the course keeps 0.999 for Adam's ``beta2`` (which is
    bias-corrected) and a smaller ``β`` here.
    """

    _hyper = ("lr", "beta", "epsilon")
    _max_grad = 1e150

    def __init__(self, lr: float = 0.001, beta: float = 0.9, epsilon: float = 1e-8):
        super().__init__(lr)
        self.beta = float(check_beta("beta", beta))
        self.epsilon = float(check_positive("epsilon", epsilon))

    def _update(self, key, W, dW):
        s = self._moment(self.s, key, W)
        tmp = np.multiply(dW, dW)
        tmp *= 1.0 - self.beta
        s *= self.beta
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += self.epsilon           # ε outside the root, as the course writes it
        np.divide(dW, tmp, out=tmp)
        tmp *= self.lr
        W -= tmp


class Adam(Optimizer):
    """Adam (adaptive moment estimation) = momentum + RMSprop + bias correction.

    With ``t`` the step number (1 on the first step)::

        v_dW := β1 v_dW + (1 − β1) dW          (first moment: mean of dW)
        s_dW := β2 s_dW + (1 − β2) dW²         (second moment: mean of dW²)
        v̂ = v_dW / (1 − β1^t),   ŝ = s_dW / (1 − β2^t)
        W := W − α v̂ / (√ŝ + ε)

    Because ``v`` and ``s`` start at 0, the raw averages are too small early on;
    dividing by ``1 − β^t`` fixes that, so the first step has ``v̂ = dW``, ``ŝ = dW²`` and
    moves each weight by about ``α`` in the direction of ``−sign(dW)``.

    Memory: besides the parameters, the gradients and the two moments, a step uses one
    temporary array the size of the largest parameter (``v̂`` and ``ŝ`` are never built;
    the bias corrections are folded into scalars).
    """

    _hyper = ("lr", "beta1", "beta2", "epsilon")
    _max_grad = 1e150

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(lr)
        self.beta1 = float(check_beta("beta1", beta1))
        self.beta2 = float(check_beta("beta2", beta2))
        self.epsilon = float(check_positive("epsilon", epsilon))

    def _direction(self, key, W, dW) -> np.ndarray:
        """Update the moments and return a new array holding ``v̂ / (√ŝ + ε)``."""
        v = self._moment(self.v, key, W)
        s = self._moment(self.s, key, W)
        tmp = np.multiply(dW, 1.0 - self.beta1)
        v *= self.beta1
        v += tmp
        np.multiply(dW, dW, out=tmp)
        tmp *= 1.0 - self.beta2
        s *= self.beta2
        s += tmp
        correction1 = 1.0 - self.beta1 ** self.t
        correction2 = 1.0 - self.beta2 ** self.t
        np.divide(s, correction2, out=tmp)    # ŝ, in the temporary
        np.sqrt(tmp, out=tmp)
        tmp += self.epsilon
        np.divide(v, tmp, out=tmp)            # v / (√ŝ + ε)
        tmp /= correction1                    # v̂ / (√ŝ + ε)
        return tmp

    def _update(self, key, W, dW):
        direction = self._direction(key, W, dW)
        direction *= self.lr
        W -= direction


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The moments and ``v̂, ŝ`` are Adam's; the update adds a shrink of the weights that
    does **not** go through the moments::

        W := W − α ( v̂ / (√ŝ + ε) + weight_decay · W )

    Why not simply add L2 to the gradient (``dW + λ W``) and run Adam? Then the decay
    term ``λ W`` is averaged into ``v`` and divided by ``√ŝ`` like the rest of the
    gradient: a weight with large gradients is barely decayed, and a weight with tiny
    gradients is decayed by about ``α`` per step whatever ``λ`` is (Adam normalises the
    size away). AdamW shrinks every weight by the same factor ``1 − α·weight_decay`` per
    step, which is what weight decay means under plain SGD. ``weight_decay = 0`` is Adam.
    Apply it to the weights ``W[l]`` only; passing the biases too decays them as well.
    """

    _hyper = ("lr", "beta1", "beta2", "epsilon", "weight_decay")

    def __init__(self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, weight_decay: float = 0.01):
        super().__init__(lr, beta1, beta2, epsilon)
        self.weight_decay = float(check_range("weight_decay", weight_decay, 0, None))

    def _update(self, key, W, dW):
        direction = self._direction(key, W, dW)
        # W − α(d + λW) = (1 − αλ) W − α d, with d computed before W changes
        W *= 1.0 - self.lr * self.weight_decay
        direction *= self.lr
        W -= direction


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSprop, "adam": Adam,
              "adamw": AdamW}
"""Name → class, for widgets and configuration: ``OPTIMIZERS["adam"](lr=1e-3)``."""
