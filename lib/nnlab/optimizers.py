"""Update rules for gradient descent: SGD, Momentum, Nesterov, RMSprop, Adam and AdamW.

Each rule is written twice, once as the equation and once as the thing a training
loop holds:

* a **function** per rule (``sgd_update``, ``momentum_update``, ``nesterov_update``,
  ``rmsprop_update``, ``adam_update``, ``adamw_update``) that takes one parameter
  ``W``, its gradient ``dW``, the rule's state and hyperparameters, and returns the new
  ``W`` and the new state. It is pure (its inputs are not changed) and reads like the
  equation in its docstring; this is the code the chapters teach and the exercises
  grade against;
* a **class** per rule (``SGD``, ``Momentum``, ``Nesterov``, ``RMSprop``, ``Adam``,
  ``AdamW``) that keeps the state of every parameter in plain attributes a learner can
  print: ``self.v`` (first moment, the average of ``dW``), ``self.s`` (second moment,
  the average of ``dW**2``), both dicts keyed like the parameters (``"W1"``, ``"b1"``
  …), and ``self.t``, the number of steps taken (1 during the first step; bias
  correction uses it). Its ``step`` applies the function to each parameter.

Usage, with ``grads`` holding ``dW1, db1, …`` for ``params`` holding ``W1, b1, …``::

    opt = Adam(lr=0.001)
    for epoch in range(epochs):
        opt.lr = schedule(epoch)         # the learning rate may change between steps
        ...
        opt.step(params, grads)          # updates the arrays of ``params`` in place

``step`` writes the new values into the parameter arrays **in place** (the dict keeps
the same array objects), so a model that holds those arrays sees the new values at
once. ``reset()`` forgets the moments and the step counter, as if the optimizer were new.

The functions check their arguments before any arithmetic (a ``ValueError`` naming the
argument): ``W`` a non-empty array of finite real numbers; ``dW`` and the state (``v``,
``s``) of ``W``'s shape (the state may also be the scalar 0 it starts at), finite, and
for the rules that square ``dW`` below ``1e150``; ``lr > 0`` and ``epsilon > 0`` finite;
``beta``, ``beta1``, ``beta2`` in ``[0, 1)``; ``t`` an integer ``>= 1``;
``weight_decay >= 0``. The classes check the whole step once in ``step`` and then call
the same rules unchecked (``_sgd``, ``_momentum`` …), so the numbers are the functions'.
"""

from __future__ import annotations

import numpy as np

from nnlab.checks import (
    check_array,
    check_beta,
    check_int,
    check_positive,
    check_range,
    check_same_keys,
    check_same_shape,
)

#: The largest |gradient| the rules that square it can take (above it, ``dW²`` overflows).
MAX_SQUARED_GRAD = 1e150


# ---------------------------------------------------------------- argument checks
def _check_arrays(W, dW, squared: bool = False, **state):
    """Check the arrays of one update: ``W`` a non-empty finite real array, ``dW`` of its
    shape (below ``1e150`` when the rule squares it), each state (``v``, ``s``) the scalar
    it starts at or an array of ``W``'s shape. Returns ``(W, dW, *state)`` as arrays, the
    very objects given when they were NumPy arrays already (so the numbers are unchanged)."""
    check_array("W", W)
    W = np.asarray(W)
    check_same_shape("dW", dW, W.shape, "W")
    dW = np.asarray(dW)
    if squared and dW.size and np.max(np.abs(dW)) > MAX_SQUARED_GRAD:
        raise ValueError(
            f"dW has entries up to {np.max(np.abs(dW)):.3g}: the rule squares "
            f"it, and above {MAX_SQUARED_GRAD:g} the square overflows"
        )
    out = [W, dW]
    for name, value in state.items():
        checked = check_array(name, value, allow_empty=True)
        if checked.ndim and checked.shape != W.shape:
            raise ValueError(
                f"{name} must be 0 (its start) or have the shape of W "
                f"{W.shape}, got {checked.shape}"
            )
        out.append(value if isinstance(value, (np.ndarray, float, int)) else checked)
    return out


# ---------------------------------------------------------------- the rules
def sgd_update(W, dW, lr):
    """Gradient descent: ``W := W − α dW``. Returns the new ``W``.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW = _check_arrays(W, dW)
    check_positive("lr", lr)
    return _sgd(W, dW, lr)


def _sgd(W, dW, lr):
    # the rule of :func:`sgd_update`, unchecked: the classes call it after
    # checking the whole step once
    return W - lr * dW


def momentum_update(W, dW, v, lr, beta):
    """Gradient descent with momentum (the course's averaged form)::

        v := β v + (1 − β) dW
        W := W − α v

    ``v`` (starts at 0) is the exponentially weighted average of the gradients.
    Returns ``(W, v)``. ``β = 0`` is :func:`sgd_update`.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW, v = _check_arrays(W, dW, v=v)
    check_positive("lr", lr)
    check_beta("beta", beta)
    return _momentum(W, dW, v, lr, beta)


def _momentum(W, dW, v, lr, beta):
    # the rule of :func:`momentum_update`, unchecked: the classes call it after
    # checking the whole step once
    v = beta * v + (1 - beta) * dW
    W = W - lr * v
    return W, v


def nesterov_update(W, dW, v, lr, beta):
    """Nesterov momentum: momentum that steps with the gradient it is about to average::

        v := β v + (1 − β) dW
        W := W − α (β v + (1 − β) dW)

    ``dW`` is the gradient at ``W``, and ``v`` starts at 0. Returns ``(W, v)``. ``β = 0``
    is :func:`sgd_update`.

    This is PyTorch's ``SGD(nesterov=True)`` (``buf := μ buf + g``,
    ``W := W − lr (g + μ buf)``) written in the course's averaged form, the same way
    :func:`momentum_update` is PyTorch's plain momentum: ``v = (1 − β) buf`` and
    ``α (1 − β) = lr``, ``β = μ``.

    Why it is Nesterov's method: the textbook "look-ahead" form evaluates the gradient
    at the point momentum is about to carry ``W`` to,
    ``v := β v + (1 − β) ∇J(W − α β v)``, ``W := W − α v``. Call that look-ahead point
    ``W̃ = W − α β v``; substituting shows that ``W̃`` moves exactly by the rule above,
    with ``dW = ∇J(W̃)``. So the rule keeps the look-ahead point as the parameters,
    and the network only ever needs the gradient at its current weights.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW, v = _check_arrays(W, dW, v=v)
    check_positive("lr", lr)
    check_beta("beta", beta)
    return _nesterov(W, dW, v, lr, beta)


def _nesterov(W, dW, v, lr, beta):
    # the rule of :func:`nesterov_update`, unchecked: the classes call it after
    # checking the whole step once
    v = beta * v + (1 - beta) * dW
    W = W - lr * (beta * v + (1 - beta) * dW)
    return W, v


def rmsprop_update(W, dW, s, lr, beta, epsilon):
    """RMSprop: divide each step by a running root-mean-square of that weight's gradient::

        s := β s + (1 − β) dW²
        W := W − α dW / (√s + ε)

    ``s`` starts at 0; ``ε`` sits outside the root, as the course writes it.
    Returns ``(W, s)``.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW, s = _check_arrays(W, dW, squared=True, s=s)
    check_positive("lr", lr)
    check_beta("beta", beta)
    check_positive("epsilon", epsilon)
    return _rmsprop(W, dW, s, lr, beta, epsilon)


def _rmsprop(W, dW, s, lr, beta, epsilon):
    # the rule of :func:`rmsprop_update`, unchecked: the classes call it after
    # checking the whole step once
    s = beta * s + (1 - beta) * dW**2
    W = W - lr * (dW / (np.sqrt(s) + epsilon))
    return W, s


def adam_update(W, dW, v, s, t, lr, beta1, beta2, epsilon):
    """Adam: momentum + RMSprop + bias correction. ``t`` is the step number (1 first)::

        v := β1 v + (1 − β1) dW          (first moment: mean of dW)
        s := β2 s + (1 − β2) dW²         (second moment: mean of dW²)
        v̂ = v / (1 − β1^t),   ŝ = s / (1 − β2^t)
        W := W − α v̂ / (√ŝ + ε)

    ``v`` and ``s`` start at 0. Returns ``(W, v, s)``.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW, v, s = _check_arrays(W, dW, squared=True, v=v, s=s)
    check_int("t", t)
    check_positive("lr", lr)
    check_beta("beta1", beta1)
    check_beta("beta2", beta2)
    check_positive("epsilon", epsilon)
    return _adam(W, dW, v, s, t, lr, beta1, beta2, epsilon)


def _adam(W, dW, v, s, t, lr, beta1, beta2, epsilon):
    # the rule of :func:`adam_update`, unchecked: the classes call it after
    # checking the whole step once
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW**2
    s_hat = s / (1 - beta2**t)
    # v̂ / (√ŝ + ε) with v̂ = v / (1 − β1^t), divided in this order so that the chapters'
    # long Adam runs repeat the numbers they quote to the last bit
    W = W - lr * (v / (np.sqrt(s_hat) + epsilon) / (1 - beta1**t))
    return W, v, s


def adamw_update(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay):
    """AdamW: Adam with decoupled weight decay ``λ`` (``weight_decay``)::

        v, s, v̂, ŝ as in Adam
        W := W − α (v̂ / (√ŝ + ε) + λ W)

    The decay ``λ W`` does not go through the moments. Returns ``(W, v, s)``.
    ``λ = 0`` is :func:`adam_update`.

    Every argument is checked first, a ``ValueError`` naming it (see the module
    docstring); the classes check a whole ``step`` once and call the unchecked rule.
    """
    W, dW, v, s = _check_arrays(W, dW, squared=True, v=v, s=s)
    check_int("t", t)
    check_positive("lr", lr)
    check_beta("beta1", beta1)
    check_beta("beta2", beta2)
    check_positive("epsilon", epsilon)
    check_range("weight_decay", weight_decay, 0, None)
    return _adamw(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay)


def _adamw(W, dW, v, s, t, lr, beta1, beta2, epsilon, weight_decay):
    # the rule of :func:`adamw_update`, unchecked: the classes call it after
    # checking the whole step once
    W_adam, v, s = _adam(W, dW, v, s, t, lr, beta1, beta2, epsilon)
    W = W_adam - lr * weight_decay * W
    return W, v, s


# ---------------------------------------------------------------- the optimizers
class Optimizer:
    """What every update rule shares: the learning rate, the state, ``step``."""

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

    def step(self, params: dict, grads: dict, *, check: bool = True) -> dict:
        """Apply one update to every array of ``params`` in place and return ``params``.

        All or nothing: every array and gradient is checked (float arrays that can be
        written in place; gradients of the same keys and shapes, real and finite, and for
        the rules that square them below ``1e150``) before the first one changes, so a
        bad gradient leaves ``params``, the moments and ``t`` as they were.

        ``check=False`` skips these checks, for a loop that makes them itself at every
        step (:func:`nnlab.train.train`: gradients from the model, tested finite and
        below ``1e150``); on a small network they cost more than the update."""
        if check:
            self._check_step(params, grads)
        self.t += 1
        for key, W in params.items():
            # a model holds these very arrays, so the new values are copied into them
            W[...] = self._update(key, W, np.asarray(grads["d" + key]))
        return params

    def _check_step(self, params: dict, grads: dict) -> None:
        check_same_keys(params, grads)
        for key, W in params.items():
            if not isinstance(W, np.ndarray) or not np.issubdtype(W.dtype, np.floating):
                raise ValueError(
                    f"params['{key}'] must be a float NumPy array (it is updated in place), "
                    f"got {type(W).__name__}"
                    + (f" of dtype {W.dtype}" if isinstance(W, np.ndarray) else "")
                )
            if not np.all(np.isfinite(W)):
                raise ValueError(
                    f"params['{key}'] must hold finite numbers (a run that "
                    "diverged? start again from finite parameters)"
                )
            if not W.flags.writeable:
                raise ValueError(f"params['{key}'] must be writeable (it is updated in place)")
            if (
                self._max_grad is not None
                and np.size(grads["d" + key])
                and np.max(np.abs(grads["d" + key])) > self._max_grad
            ):
                raise ValueError(
                    f"grads['d{key}'] has entries up to {np.max(np.abs(grads['d' + key])):.3g}: "
                    f"{type(self).__name__} squares gradients, and above "
                    f"{self._max_grad:g} the square overflows. The run has diverged: try a "
                    "smaller learning rate"
                )

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray) -> np.ndarray:
        """The new ``W`` for parameter ``key``; stores its new moments in ``self.v``/``self.s``."""
        raise NotImplementedError

    @staticmethod
    def _state(store: dict, key: str):
        # v_0 = s_0 = 0: the scalar broadcasts, so no array of zeros is built
        return store.get(key, 0.0)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._hyper)
        return f"{type(self).__name__}({args})"

    _hyper: tuple = ("lr",)
    _max_grad: float | None = None  # the largest |gradient| the rule can take (None: any)


class SGD(Optimizer):
    """Plain gradient descent, :func:`sgd_update`: ``W := W − α dW``.

    On a mini-batch this is mini-batch gradient descent; with one example per batch it
    is stochastic gradient descent. It keeps no state.
    """

    def _update(self, key, W, dW):
        return _sgd(W, dW, self.lr)


class Momentum(Optimizer):
    """Gradient descent with momentum, :func:`momentum_update`: a running average of
    the gradients.

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
        v = self._state(self.v, key)
        W, self.v[key] = _momentum(W, dW, v, self.lr, self.beta)
        return W


class Nesterov(Momentum):
    """Nesterov momentum, :func:`nesterov_update` (PyTorch's ``nesterov=True`` in the
    course's averaged form):

    ``v_dW := β v_dW + (1 − β) dW``,  then  ``W := W − α (β v_dW + (1 − β) dW)``.

    Plain momentum steps along the average ``v_dW``; Nesterov steps along the average
    it will have one step later if the gradient stays ``dW``, which is the same as
    taking the gradient at the look-ahead point (see :func:`nesterov_update`). It
    reacts one step earlier when the gradient turns, so it overshoots less.
    """

    def _update(self, key, W, dW):
        v = self._state(self.v, key)
        W, self.v[key] = _nesterov(W, dW, v, self.lr, self.beta)
        return W


class RMSprop(Optimizer):
    """RMSprop, :func:`rmsprop_update`: divide each step by a running root-mean-square
    of that weight's gradient.

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
    _max_grad = MAX_SQUARED_GRAD

    def __init__(self, lr: float = 0.001, beta: float = 0.9, epsilon: float = 1e-8):
        super().__init__(lr)
        self.beta = float(check_beta("beta", beta))
        self.epsilon = float(check_positive("epsilon", epsilon))

    def _update(self, key, W, dW):
        s = self._state(self.s, key)
        W, self.s[key] = _rmsprop(W, dW, s, self.lr, self.beta, self.epsilon)
        return W


class Adam(Optimizer):
    """Adam (adaptive moment estimation) = momentum + RMSprop + bias correction,
    :func:`adam_update`.

    With ``t`` the step number (1 on the first step)::

        v_dW := β1 v_dW + (1 − β1) dW          (first moment: mean of dW)
        s_dW := β2 s_dW + (1 − β2) dW²         (second moment: mean of dW²)
        v̂ = v_dW / (1 − β1^t),   ŝ = s_dW / (1 − β2^t)
        W := W − α v̂ / (√ŝ + ε)

    Because ``v`` and ``s`` start at 0, the raw averages are too small early on;
    dividing by ``1 − β^t`` fixes that, so the first step has ``v̂ = dW``, ``ŝ = dW²`` and
    moves each weight by about ``α`` in the direction of ``−sign(dW)``.

    Memory: the rule is written for reading, not for saving memory, so a step builds
    the new moments, ``ŝ`` and two temporaries the size of the parameter it updates
    (``benchmarks/bench.py`` measures it).
    """

    _hyper = ("lr", "beta1", "beta2", "epsilon")
    _max_grad = MAX_SQUARED_GRAD

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8
    ):
        super().__init__(lr)
        self.beta1 = float(check_beta("beta1", beta1))
        self.beta2 = float(check_beta("beta2", beta2))
        self.epsilon = float(check_positive("epsilon", epsilon))

    def _update(self, key, W, dW):
        v, s = self._state(self.v, key), self._state(self.s, key)
        W, self.v[key], self.s[key] = _adam(
            W, dW, v, s, self.t, self.lr, self.beta1, self.beta2, self.epsilon
        )
        return W


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), :func:`adamw_update`.

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

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
    ):
        super().__init__(lr, beta1, beta2, epsilon)
        self.weight_decay = float(check_range("weight_decay", weight_decay, 0, None))

    def _update(self, key, W, dW):
        v, s = self._state(self.v, key), self._state(self.s, key)
        W, self.v[key], self.s[key] = _adamw(
            W, dW, v, s, self.t, self.lr, self.beta1, self.beta2, self.epsilon, self.weight_decay
        )
        return W


OPTIMIZERS = {
    "GD": SGD,
    "Momentum": Momentum,
    "Nesterov": Nesterov,
    "RMSprop": RMSprop,
    "Adam": Adam,
    "AdamW": AdamW,
}
"""The one registry of update rules: the name the chapters and widgets show → its class,
e.g. ``OPTIMIZERS["Adam"](lr=1e-3)``. Plain gradient descent shows as "GD"."""
