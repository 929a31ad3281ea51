"""The mistake doctor: finds the training-loop mistakes the syllabus warns about and explains them (lesson 09).

Three ways in:
- `diagnose(criterion=..., outputs=..., targets=..., model=..., optimizer=..., data=...)`: a one-call check of
  a loop's pieces, printing each finding (what is wrong, why it matters, the fix, the lesson) in English or Bengali;
- `Watch(model, optimizer, criterion)`: a context manager around a hand-written loop that reports each problem
  once while it runs (`helpers.fit` uses one unless `watch=False`); checks that need a value from the device
  run on a sample of steps only, so training does not slow down; it also reads the run's dynamics (updates
  too large or too small, dead units, vanishing gradients: helpers/dynamics.py, lesson 12);
- `explain_error(error)`: the explanation for the device and shape errors PyTorch raises, added by the
  helpers loop to the error it re-raises.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from .distributed import sampler_of
from .dynamics import LESSON as DYNAMICS_LESSON
from .dynamics import SAMPLED as DYNAMICS_SAMPLED
from .dynamics import Dynamics
from .i18n import check_language, get_language, register, t

# code -> lesson that teaches the fix
LESSONS = {
    "double_softmax": "01_setup", "onehot_targets": "04_losses", "float_class_targets": "04_losses",
    "target_extra_dim": "04_losses", "class_out_of_range": "04_losses", "sigmoid_before_bce": "04_losses",
    "bce_int_targets": "04_losses", "bce_shape": "04_losses", "nll_not_log_probs": "04_losses",
    "kl_not_log_probs": "04_losses", "regression_shape": "04_losses", "loss_shape": "04_losses",
    "device_mismatch": "01_setup",
    "missing_zero_grad": "02_training_loop", "eval_mode_training": "02_training_loop",
    "train_mode_validation": "03_validation", "optimizer_other_params": "05_optimizers",
    "scheduler_before_step": "06_schedulers", "lr_too_large": "02_training_loop",
    "nonfinite_loss": "07_amp_clipping_accumulation",
}
# Several processes (lesson 11): their messages live in helpers.distributed, so the code is the message key.
DDP_LESSONS = {"ddp.sampler_epoch": "11_beyond_one_machine", "ddp.unwrapped": "11_beyond_one_machine",
               "ddp.device_ids": "11_beyond_one_machine"}


def _key(code: str) -> str:
    """The message key of a finding's code: 'doc.<code>', or the code itself when another module owns it."""
    return code if "." in code else f"doc.{code}"


def _lesson(code: str) -> str:
    if code.startswith("dynamics."):  # a run's dynamics (helpers/dynamics.py, lesson 12)
        return DYNAMICS_LESSON
    return LESSONS[code] if code in LESSONS else DDP_LESSONS[code]

MESSAGES: dict[str, dict[str, str]] = {
    "doc.header": {"en": "⚠ {what}", "bn": "⚠ {what}"},
    "doc.fix": {"en": "   Fix: {fix}", "bn": "   সমাধান: {fix}"},
    "doc.lesson": {"en": "   Lesson: {lesson}", "bn": "   পাঠ: {lesson}"},
    "doc.none": {"en": "✅ No problems found in what was checked.", "bn": "✅ যা যাচাই করা হলো, তাতে কোনো সমস্যা পাওয়া যায়নি।"},
    "doc.error_intro": {
        "en": "Explanation from helpers (the original PyTorch error is above):",
        "bn": "helpers-এর ব্যাখ্যা (PyTorch-এর আসল এরর-বার্তা ওপরে আছে):",
    },
    "doc.double_softmax": {
        "en": "CrossEntropyLoss got probabilities (every row sums to 1), not logits: softmax was applied twice. "
        "The loss cannot approach 0 and the gradients shrink, so learning is slow.",
        "bn": "CrossEntropyLoss logits নয়, সম্ভাবনা পেয়েছে (প্রতিটি সারির যোগফল 1): softmax দুবার হয়েছে। "
        "লস আর 0-এর কাছে যেতে পারে না, গ্রেডিয়েন্টও ছোট হয়ে যায়, তাই শেখা ধীর হয়।",
    },
    "doc.double_softmax.fix": {
        "en": "remove the softmax (or nn.Softmax layer) before the loss and pass the raw logits.",
        "bn": "লসের আগের softmax (বা nn.Softmax স্তর) সরিয়ে দাও, সরাসরি logits দাও।",
    },
    "doc.onehot_targets": {
        "en": "CrossEntropyLoss got one-hot targets of shape {shape}. It accepts them as class probabilities, but "
        "class indices of shape [N] (dtype long) are the usual form: cheaper, and needed for ignore_index.",
        "bn": "CrossEntropyLoss {shape} shape-এর one-hot টার্গেট পেয়েছে। এগুলোকে ক্লাসের সম্ভাবনা হিসেবে নেওয়া যায় ঠিকই, "
        "কিন্তু সাধারণ রূপ হলো [N] shape-এর ক্লাস ইনডেক্স (dtype long): হিসাবে কম খরচের, আর ignore_index-এর জন্য দরকার।",
    },
    "doc.onehot_targets.fix": {"en": "targets = targets.argmax(dim=1)", "bn": "targets = targets.argmax(dim=1)"},
    "doc.float_class_targets": {
        "en": "CrossEntropyLoss got class numbers as {dtype}; class indices must be integers (torch.long).",
        "bn": "CrossEntropyLoss ক্লাস নম্বরগুলো {dtype} হিসেবে পেয়েছে; ক্লাস ইনডেক্স পূর্ণসংখ্যা (torch.long) হতে হবে।",
    },
    "doc.float_class_targets.fix": {"en": "targets = targets.long()", "bn": "targets = targets.long()"},
    "doc.target_extra_dim": {
        "en": "The targets have shape {target_shape} but the loss expects [N] for outputs {output_shape}: "
        "one dimension too many.",
        "bn": "টার্গেটের shape {target_shape}, কিন্তু {output_shape} আউটপুটের জন্য লস [N] চায়: একটি মাত্রা বেশি।",
    },
    "doc.target_extra_dim.fix": {"en": "targets = targets.squeeze(1)", "bn": "targets = targets.squeeze(1)"},
    "doc.class_out_of_range": {
        "en": "A target class is {value}, but the model has {classes} outputs (valid: 0 to {last}). "
        "On a GPU this shows up as a cryptic device-side assert.",
        "bn": "একটি টার্গেট ক্লাস {value}, অথচ মডেলের আউটপুট {classes}টি (বৈধ: 0 থেকে {last})। "
        "GPU-তে এটা একটা দুর্বোধ্য device-side assert হয়ে দেখা দেয়।",
    },
    "doc.class_out_of_range.fix": {
        "en": "check the labels (do they start at 1?) and the size of the last layer.",
        "bn": "লেবেলগুলো দেখো (1 থেকে শুরু হয়েছে কি?) আর শেষ স্তরের আকার মিলিয়ে নাও।",
    },
    "doc.sigmoid_before_bce": {
        "en": "BCEWithLogitsLoss got values that all lie between 0 and 1: sigmoid was probably applied already, "
        "so it is applied twice and the model can hardly be confident.",
        "bn": "BCEWithLogitsLoss যে মানগুলো পেয়েছে সবই 0 আর 1-এর মধ্যে: সম্ভবত আগেই sigmoid দেওয়া হয়েছে, "
        "ফলে sigmoid দুবার হচ্ছে আর মডেল প্রায় কখনো নিশ্চিত হতে পারে না।",
    },
    "doc.sigmoid_before_bce.fix": {
        "en": "remove the sigmoid before the loss; apply it only to read probabilities.",
        "bn": "লসের আগের sigmoid সরিয়ে দাও; শুধু সম্ভাবনা পড়ার সময় sigmoid দিয়ো।",
    },
    "doc.bce_int_targets": {
        "en": "BCEWithLogitsLoss got integer targets ({dtype}); it needs floats 0.0/1.0.",
        "bn": "BCEWithLogitsLoss পূর্ণসংখ্যার টার্গেট ({dtype}) পেয়েছে; তার দরকার 0.0/1.0 float।",
    },
    "doc.bce_int_targets.fix": {"en": "targets = targets.float()", "bn": "targets = targets.float()"},
    "doc.bce_shape": {
        "en": "The outputs have shape {output_shape} and the targets {target_shape}; for BCE they must match exactly.",
        "bn": "আউটপুটের shape {output_shape} আর টার্গেটের {target_shape}; BCE-র জন্য দুটো হুবহু মিলতে হবে।",
    },
    "doc.bce_shape.fix": {
        "en": "make them match, e.g. outputs.squeeze(1) or targets.unsqueeze(1).",
        "bn": "দুটো মিলিয়ে নাও, যেমন outputs.squeeze(1) অথবা targets.unsqueeze(1)।",
    },
    "doc.nll_not_log_probs": {
        "en": "NLLLoss got values that are not log-probabilities (some are above 0 or rows do not normalise); "
        "NLLLoss does not apply log_softmax itself.",
        "bn": "NLLLoss যে মান পেয়েছে সেগুলো লগ-সম্ভাবনা নয় (কিছু 0-এর বেশি, বা সারিগুলো নরমালাইজড নয়); "
        "NLLLoss নিজে log_softmax করে না।",
    },
    "doc.nll_not_log_probs.fix": {
        "en": "pass torch.log_softmax(logits, dim=1), or use CrossEntropyLoss on the logits.",
        "bn": "torch.log_softmax(logits, dim=1) দাও, অথবা logits-এ CrossEntropyLoss ব্যবহার করো।",
    },
    "doc.kl_not_log_probs": {
        "en": "KLDivLoss expects log-probabilities as input, but got {kind}. The loss value is then meaningless.",
        "bn": "KLDivLoss ইনপুট হিসেবে লগ-সম্ভাবনা চায়, কিন্তু পেয়েছে {kind}। তখন লসের মানের কোনো অর্থ থাকে না।",
    },
    "doc.kl_not_log_probs.fix": {
        "en": "input = torch.log_softmax(logits, dim=-1); the target stays probabilities.",
        "bn": "input = torch.log_softmax(logits, dim=-1); টার্গেট সম্ভাবনাই থাকবে।",
    },
    "doc.kind.probabilities": {"en": "probabilities", "bn": "সম্ভাবনা"},
    "doc.kind.logits": {"en": "raw scores", "bn": "কাঁচা স্কোর"},
    "doc.regression_shape": {
        "en": "The predictions have shape {output_shape} and the targets {target_shape}: PyTorch broadcasts them "
        "to a {broadcast} grid and silently compares every prediction with every target.",
        "bn": "প্রেডিকশনের shape {output_shape} আর টার্গেটের {target_shape}: PyTorch এগুলোকে ব্রডকাস্ট করে "
        "{broadcast} ছকে ছড়িয়ে দেয় আর চুপচাপ প্রতিটি প্রেডিকশনকে প্রতিটি টার্গেটের সঙ্গে মেলায়।",
    },
    "doc.regression_shape.fix": {
        "en": "make the shapes equal, e.g. predictions.squeeze(1).",
        "bn": "shape দুটো সমান করো, যেমন predictions.squeeze(1)।",
    },
    "doc.loss_shape": {
        "en": "The outputs have shape {output_shape} and the targets {target_shape}: they cannot be compared "
        "value by value, so the loss raises an error.",
        "bn": "আউটপুটের shape {output_shape} আর টার্গেটের {target_shape}: মানগুলো একটির সঙ্গে আরেকটি মেলানো যায় না, "
        "তাই লস এরর দেখায়।",
    },
    "doc.loss_shape.fix": {
        "en": "print outputs.shape and targets.shape; make them equal (check the size of the last layer).",
        "bn": "outputs.shape আর targets.shape ছেপে দেখো; দুটো সমান করো (শেষ স্তরের আকার মিলিয়ে নাও)।",
    },
    "doc.device_mismatch": {
        "en": "Tensors are on different devices: {devices}. PyTorch cannot compute across devices.",
        "bn": "tensor-গুলো ভিন্ন ভিন্ন ডিভাইসে আছে: {devices}। PyTorch দুই ডিভাইসের tensor মিলিয়ে হিসাব করতে পারে না।",
    },
    "doc.device_mismatch.fix": {
        "en": "model.to(device) once, and data, targets = data.to(device), targets.to(device) for every batch.",
        "bn": "একবার model.to(device), আর প্রতিটি ব্যাচে data, targets = data.to(device), targets.to(device)।",
    },
    "doc.missing_zero_grad": {
        "en": "optimizer.step() ran twice without optimizer.zero_grad() in between: the gradients of earlier "
        "batches pile up and every update is wrong.",
        "bn": "মাঝে optimizer.zero_grad() ছাড়াই optimizer.step() দুবার চলেছে: আগের ব্যাচগুলোর গ্রেডিয়েন্ট জমে "
        "যাচ্ছে, তাই প্রতিটি আপডেট ভুল।",
    },
    "doc.missing_zero_grad.fix": {
        "en": "call optimizer.zero_grad() before loss.backward() in every step.",
        "bn": "প্রতিটি স্টেপে loss.backward()-এর আগে optimizer.zero_grad() কল করো।",
    },
    "doc.eval_mode_training": {
        "en": "The model is in eval mode while it is being trained: dropout is off and batch norm does not learn "
        "its statistics.",
        "bn": "ট্রেনিংয়ের সময় মডেল eval মোডে আছে: ড্রপআউট বন্ধ, আর ব্যাচ নরমালাইজেশন তার পরিসংখ্যান শিখছে না।",
    },
    "doc.eval_mode_training.fix": {
        "en": "call model.train() at the start of every training epoch.",
        "bn": "প্রতিটি ট্রেনিং ইপকের শুরুতে model.train() কল করো।",
    },
    "doc.train_mode_validation": {
        "en": "The model is in train mode while it is evaluated without gradients: dropout is still active, "
        "so validation numbers are noisy and too pessimistic.",
        "bn": "গ্রেডিয়েন্ট ছাড়া মূল্যায়নের সময়ও মডেল ট্রেনিং মোডে আছে: ড্রপআউট তখনো চালু, "
        "তাই ভ্যালিডেশনের সংখ্যা নয়েজি হয়, ওঠানামা করে, আর আসলের চেয়ে খারাপ দেখায়।",
    },
    "doc.train_mode_validation.fix": {
        "en": "call model.eval() before validating (and model.train() again before training).",
        "bn": "ভ্যালিডেশনের আগে model.eval() কল করো (আর ট্রেনিংয়ের আগে আবার model.train())।",
    },
    "doc.optimizer_other_params": {
        "en": "The optimizer does not hold {missing} of the model's {total} trainable tensors: it was probably built "
        "for another model object (before the model was replaced). Those weights never change.",
        "bn": "মডেলের {total}টি শেখার-যোগ্য tensor-এর মধ্যে {missing}টি অপটিমাইজারের কাছে নেই: সম্ভবত এটা অন্য কোনো "
        "মডেল অবজেক্টের জন্য বানানো (মডেল বদলানোর আগে)। ওই ওজনগুলো কখনো বদলাবে না।",
    },
    "doc.optimizer_other_params.fix": {
        "en": "build the optimizer after the final model: optimizer = optim.Adam(model.parameters(), ...).",
        "bn": "চূড়ান্ত মডেল তৈরির পরে অপটিমাইজার বানাও: optimizer = optim.Adam(model.parameters(), ...)।",
    },
    "doc.scheduler_before_step": {
        "en": "scheduler.step() was called before the first optimizer.step(): the first value of the schedule is "
        "skipped.",
        "bn": "প্রথম optimizer.step()-এর আগেই scheduler.step() কল করা হয়েছে: শিডিউলের প্রথম মানটি বাদ পড়ে যায়।",
    },
    "doc.scheduler_before_step.fix": {
        "en": "call scheduler.step() after optimizer.step() (per batch or per epoch, lesson 06).",
        "bn": "optimizer.step()-এর পরে scheduler.step() কল করো (প্রতি ব্যাচে বা প্রতি ইপকে, পাঠ ০৬)।",
    },
    "doc.lr_too_large": {
        "en": "The loss grew from {first:.3g} to {now:.3g} within the first {steps} steps: the learning rate "
        "({lr:.3g}) is probably too large.",
        "bn": "প্রথম {steps} স্টেপের মধ্যেই লস {first:.3g} থেকে বেড়ে {now:.3g} হয়েছে: লার্নিং রেট ({lr:.3g}) "
        "সম্ভবত খুব বড়।",
    },
    "doc.lr_too_large.fix": {
        "en": "try a learning rate 10 times smaller, or gradient clipping.",
        "bn": "লার্নিং রেট 10 দিয়ে ভাগ করে দেখো, অথবা গ্রেডিয়েন্ট ক্লিপিং দাও।",
    },
    "doc.nonfinite_loss": {
        "en": "The loss is {value} at step {step}: training has broken down.",
        "bn": "স্টেপ {step}-এ লস {value}: ট্রেনিং ভেঙে পড়েছে।",
    },
    "doc.nonfinite_loss.fix": {
        "en": "lower the learning rate, clip gradients (max_grad_norm=1.0), check the data for nan and log(0).",
        "bn": "লার্নিং রেট কমাও, গ্রেডিয়েন্ট ক্লিপ করো (max_grad_norm=1.0), ডেটায় nan বা log(0) আছে কি না দেখো।",
    },
    "doc.shape_error": {
        "en": "The shapes do not fit together: {detail}. Print data.shape, outputs.shape and targets.shape; "
        "for CrossEntropyLoss outputs are [N, C] and targets [N]; a Linear layer's in_features must equal the "
        "size of what reaches it.",
        "bn": "shape-গুলো একে অপরের সঙ্গে মিলছে না: {detail}। data.shape, outputs.shape আর targets.shape ছেপে দেখো; "
        "CrossEntropyLoss-এ আউটপুট [N, C] আর টার্গেট [N]; Linear স্তরের in_features তার কাছে পৌঁছানো ডেটার আকারের "
        "সমান হতে হবে।",
    },
}
register(MESSAGES)


@dataclass(frozen=True)
class Finding:
    """One problem: its code, the values its message needs, and where it was found."""

    code: str
    values: dict = field(default_factory=dict, compare=False)

    def message(self, lang: str | None = None) -> str:
        """What is wrong and why, the fix and the lesson, in `lang` (lesson 09)."""
        lang = check_language(lang or get_language())
        values = dict(self.values)
        if "kind" in values:
            values["kind"] = t(f"doc.kind.{values['kind']}", lang)
        lines = [
            t("doc.header", lang, what=t(_key(self.code), lang, **values)),
            t("doc.fix", lang, fix=t(f"{_key(self.code)}.fix", lang)),
            t("doc.lesson", lang, lesson=_lesson(self.code)),
        ]
        return "\n".join(lines)


def _tolerance(dtype: torch.dtype) -> float:
    """How far a row sum may be off from rounding alone: bfloat16 (autocast on a CPU) keeps about 3 digits."""
    return max(1e-3, 8 * torch.finfo(dtype).eps) if dtype.is_floating_point else 1e-3


def _rows_are_distributions(x: torch.Tensor, dim: int, atol: float = 1e-3) -> bool:
    # min() first: logits are rarely all >= 0, so one reduction usually decides (the checks run mid-training).
    return bool(x.min().item() >= 0 and x.max().item() <= 1
                and torch.allclose(x.sum(dim=dim), torch.ones(()), atol=atol))


def _class_range(targets: torch.Tensor, ignore_index: int) -> tuple[int | None, int | None]:
    """The smallest and largest class index among the targets not ignored; (None, None) when there are none."""
    if targets.numel() == 0:
        return None, None
    low, high = (int(v) for v in torch.aminmax(targets))  # one pass: the common case, with no ignored target
    if low <= ignore_index <= high:  # padding (ignore_index, often -100) is among them: leave it out
        valid = targets[targets != ignore_index]
        if valid.numel() == 0:
            return None, None
        low, high = (int(v) for v in torch.aminmax(valid))
    return low, high


def _are_log_probs(x: torch.Tensor, dim: int, atol: float = 1e-3) -> bool:
    return bool(x.max() <= 1e-4 and torch.allclose(torch.logsumexp(x, dim=dim), torch.zeros(()), atol=atol))


def check_loss_inputs(criterion: object, outputs: torch.Tensor, targets: torch.Tensor) -> list[Finding]:
    """Look at what goes into a loss before it is computed (lessons 01, 04, 09)."""
    if not (isinstance(outputs, torch.Tensor) and isinstance(targets, torch.Tensor)):
        return []
    if outputs.device != targets.device:
        return [Finding("device_mismatch", {"devices": f"{outputs.device} / {targets.device}"})]
    if outputs.is_meta:  # shapes only, no values to look at
        return []
    with torch.no_grad():
        out = outputs.detach().float()
        atol = _tolerance(outputs.dtype)
        shapes = {"output_shape": list(outputs.shape), "target_shape": list(targets.shape)}
        if isinstance(criterion, nn.CrossEntropyLoss) and out.dim() >= 2:
            return _check_cross_entropy(criterion, out, targets, shapes, atol)
        if isinstance(criterion, nn.BCEWithLogitsLoss):
            return _check_bce(out, targets, shapes)
        if isinstance(criterion, nn.NLLLoss) and out.dim() >= 2 and not _are_log_probs(out, 1, atol):
            return [Finding("nll_not_log_probs")]
        if isinstance(criterion, nn.KLDivLoss) and not _are_log_probs(out, -1, atol):
            kind = "probabilities" if _rows_are_distributions(out, -1, atol) else "logits"
            return [Finding("kl_not_log_probs", {"kind": kind})]
        regression = (nn.MSELoss, nn.L1Loss, nn.SmoothL1Loss, nn.HuberLoss)
        if isinstance(criterion, regression) and outputs.shape != targets.shape:
            try:
                broadcast = list(torch.broadcast_shapes(outputs.shape, targets.shape))
            except RuntimeError:  # not even broadcastable: PyTorch raises, but say why
                return [Finding("loss_shape", shapes)]
            return [Finding("regression_shape", {**shapes, "broadcast": broadcast})]
    return []


def _check_cross_entropy(criterion, out, targets, shapes, atol=1e-3) -> list[Finding]:
    classes = out.shape[1]
    if targets.is_floating_point():
        if targets.shape == out.shape:
            is_onehot = bool(((targets == 0) | (targets == 1)).all() and (targets.sum(dim=1) == 1).all())
            found = [Finding("onehot_targets", {"shape": list(targets.shape)})] if is_onehot else []
        elif targets.dim() == out.dim() - 1:
            return [Finding("float_class_targets", {"dtype": str(targets.dtype)})]
        else:
            found = []
    elif targets.dim() == out.dim() and targets.shape[1] == 1:
        return [Finding("target_extra_dim", shapes)]
    else:
        found = []
        low, high = _class_range(targets, criterion.ignore_index)
        if high is not None and (low < 0 or high >= classes):
            bad = high if high >= classes else low
            found.append(Finding("class_out_of_range", {"value": bad, "classes": classes, "last": classes - 1}))
    if _rows_are_distributions(out, 1, atol):
        found.append(Finding("double_softmax"))
    return found


def _check_bce(out, targets, shapes) -> list[Finding]:
    if out.shape != targets.shape:
        return [Finding("bce_shape", shapes)]
    if not targets.is_floating_point():
        return [Finding("bce_int_targets", {"dtype": str(targets.dtype)})]
    # Raw logits of a batch are rarely all inside [0, 1]; eight values make a chance hit very unlikely.
    if out.numel() >= 8 and out.min() >= 0 and out.max() <= 1:
        return [Finding("sigmoid_before_bce")]
    return []


def check_setup(model: nn.Module | None = None, optimizer: torch.optim.Optimizer | None = None,
                data: torch.Tensor | None = None) -> list[Finding]:
    """Look at the pieces before the loop starts: devices, and whether the optimizer holds the model's weights."""
    found = []
    if model is not None and optimizer is not None:
        held = {id(p) for group in optimizer.param_groups for p in group["params"]}
        trainable = [p for p in model.parameters() if p.requires_grad]
        missing = sum(id(p) not in held for p in trainable)
        if missing:
            found.append(Finding("optimizer_other_params", {"missing": missing, "total": len(trainable)}))
    if model is not None and data is not None:
        devices = {p.device for p in model.parameters()}
        if devices and data.device not in devices:
            where = f"model {', '.join(map(str, devices))} / data {data.device}"
            found.append(Finding("device_mismatch", {"devices": where}))
    world = torch.distributed.get_world_size() if torch.distributed.is_available() and \
        torch.distributed.is_initialized() else 1
    if model is not None and world > 1 and not _data_parallel(model):
        found.append(Finding("ddp.unwrapped", {"world": world}))
    return found


def _data_parallel(model: nn.Module) -> bool:
    """Whether DDP (or FSDP, or a library's wrapper around them) averages this model's gradients (lesson 11)."""
    names = {"DistributedDataParallel", "FullyShardedDataParallel", "FSDPModule"}
    return any(names & {c.__name__ for c in type(m).__mro__} for m in model.modules())


def report(findings: list[Finding], *, lang: str | None = None, say: Callable[[str], object] = print) -> None:
    """Print each finding, or that nothing was found."""
    lang = check_language(lang or get_language())
    for finding in findings:
        say(finding.message(lang))
    if not findings:
        say(t("doc.none", lang))


def diagnose(*, criterion: object = None, outputs: torch.Tensor | None = None, targets: torch.Tensor | None = None,
             model: nn.Module | None = None, optimizer: torch.optim.Optimizer | None = None,
             data: torch.Tensor | None = None, lang: str | None = None, quiet: bool = False) -> list[Finding]:
    """Check a training setup's pieces, print what is wrong and how to fix it; returns the findings (lesson 09)."""
    findings = check_setup(model, optimizer, data)
    if criterion is not None and outputs is not None and targets is not None:
        findings += check_loss_inputs(criterion, outputs, targets)
    if not quiet:
        report(findings, lang=lang)
    return findings


_ABSENT = object()


class Watch:
    """Watches a running loop through hooks and reports each problem once (lesson 09).

    with Watch(model, optimizer, criterion) as watch:
        ...your loop...
    watch.findings  # what it saw

    The checks run on the first `warmup` steps and then on every `every`-th step only: a mistake in a
    loop repeats at each step, so a sample finds it, and the steps in between (most of them) cost a few
    attribute updates, nothing on the device. Until the first validation pass the loss is also looked at
    outside the sampled steps, for one thing only: whether it is computed without gradients (validation)
    while the model is in train mode. With `dynamics=True` a `helpers.dynamics.Dynamics` reads the run's
    health on a few steps and reports updates too large or too small, dead units and vanishing gradients
    (lesson 12).
    """

    def __init__(self, model: nn.Module, optimizer: torch.optim.Optimizer, criterion: object = None,
                 scheduler: object = None, *, every: int = 50, warmup: int = 10, lang: str | None = None,
                 say: Callable[[str], object] = print, loaders: tuple = (), dynamics: bool = True):
        self.model, self.optimizer, self.criterion, self.scheduler = model, optimizer, criterion, scheduler
        # Shuffling DistributedSamplers, with the epoch each starts at and its batches per epoch (lesson 11).
        self._samplers = [(s, s.epoch, len(lo)) for lo in loaders
                          if (s := sampler_of(lo)) is not None and s.shuffle]
        self.every, self.warmup, self.lang, self.say = every, warmup, lang, say
        self.findings: list[Finding] = []
        self.steps = 0
        self._zeroed = True
        self._grad_after_step: tuple[torch.Tensor, weakref.ref] | None = None
        self._grad_param: torch.Tensor | None = None  # the parameter whose gradient _grads_kept looks at
        self._checking = False  # whether the coming step is one the checks look at
        self._looking = False  # whether the loss is looked at (see _look)
        self._losses: list[float] = []
        self._handles: list = []
        self._restore: list[tuple[object, str, object]] = []
        self._seen_validation = False
        # Every other sampled step: each dynamics sample costs a few dozen small tensor operations.
        self._dynamics: Dynamics | None = Dynamics(model, optimizer, every=2 * every) if dynamics else None
        self._recording = False  # whether the dynamics record the coming step

    def add(self, finding: Finding) -> None:
        """Record and report a finding the first time its code appears."""
        if all(f.code != finding.code for f in self.findings):
            self.findings.append(finding)
            self.say(finding.message(self.lang))

    def sampled(self) -> bool:
        return self.steps < self.warmup or self.steps % self.every == 0

    def __enter__(self) -> Watch:
        for finding in check_setup(self.model, self.optimizer):
            self.add(finding)
        original, watch = self.optimizer.zero_grad, self

        def zero_grad(*args, **kwargs):  # one Python call, not two: it runs at every step
            watch._zeroed = True
            return original(*args, **kwargs)

        self._replace(self.optimizer, "zero_grad", zero_grad)
        self._handles.append(self.optimizer.register_step_post_hook(self._after_step))
        if isinstance(self.criterion, nn.Module):
            self._replace(self.criterion, "forward", self._loss_forward(self.criterion.forward))
        self._checking = self._looking = True
        if self._dynamics is not None and self._dynamics.wants(0):
            self._dynamics.arm(0)
            self._recording = True
        if self.scheduler is not None:
            self._wrap(self.scheduler, "step", self._on_scheduler_step)
        return self

    def __exit__(self, *exc: object) -> None:
        self._checking = self._looking = self._recording = False
        if self._dynamics is not None:
            self._dynamics.close()
        for handle in self._handles:
            handle.remove()
        for obj, name, previous in reversed(self._restore):
            if previous is _ABSENT:
                obj.__dict__.pop(name, None)  # back to the class's own method
            else:
                obj.__dict__[name] = previous  # e.g. an outer Watch's wrapper
        self._handles, self._restore = [], []

    def _wrap(self, obj: object, name: str, before: Callable[[], None]) -> None:
        original = getattr(obj, name)

        def wrapped(*args, **kwargs):
            before()
            return original(*args, **kwargs)

        self._replace(obj, name, wrapped)

    def _replace(self, obj: object, name: str, replacement: Callable) -> None:
        """Put `replacement` in place of obj.name until __exit__ (which puts back what was there)."""
        self._restore.append((obj, name, obj.__dict__.get(name, _ABSENT)))
        setattr(obj, name, replacement)

    def _on_scheduler_step(self) -> None:
        if self.steps == 0:
            self.add(Finding("scheduler_before_step"))

    def _grads_kept(self) -> bool:
        """Whether the gradient the last step used is still there, the very same tensor: nothing zeroed it.

        optimizer.zero_grad() is seen through its wrapper; model.zero_grad() and `param.grad = None`
        (lesson 02) leave a new gradient tensor behind, which is what this looks for.
        """
        if self._grad_after_step is None:
            return False
        param, grad = self._grad_after_step
        return param.grad is not None and param.grad is grad()

    def _check_step(self, args, kwargs) -> None:
        """What a watched step shows once it is done: gradients nothing zeroed since the last step, eval mode."""
        closure = args[1] if len(args) > 1 else kwargs.get("closure")  # args[0] is the optimizer itself
        # With a closure (LBFGS) the closure zeroes the gradients itself, inside step(). Otherwise backward
        # added this step's gradient into the very tensor the last step used, unless something zeroed it.
        if closure is None and not self._zeroed and self._grads_kept():
            self.add(Finding("missing_zero_grad"))
        if not self.model.training:
            self.add(Finding("eval_mode_training"))

    def _after_step(self, optimizer, args, kwargs) -> None:
        if self._recording:  # the dynamics recorded the step just done: judge it
            self._recording = False
            for code, values in self._dynamics.step_done():
                self.add(Finding(code, values))
        self.steps += 1
        if self._checking:  # the step just done is one the checks look at
            self._check_step(args, kwargs)
        self._zeroed = False
        # Each check looks at one step and the step after it. A mistake in a loop repeats at every step, so
        # looking on the sampled steps finds it as surely, and a step in between costs only these lines.
        self._checking = self.steps < self.warmup or self.steps % self.every == 0  # sampled(), for the step to come
        self._looking = self._checking or not self._seen_validation
        early = self.steps <= DYNAMICS_SAMPLED[-1]
        if self._dynamics is not None and (self._checking or early) and self._dynamics.wants(self.steps):
            self._dynamics.arm(self.steps)
            self._recording = True
        if not self._checking:
            self._grad_after_step = None
            return
        for sampler, start, batches in self._samplers:  # more steps than one epoch has, and the same epoch
            if self.steps > batches and sampler.epoch == start:
                self.add(Finding("ddp.sampler_epoch", {"epoch": start, "steps": self.steps}))
        param = self._grad_param
        if param is None or param.grad is None:  # look for a parameter with a gradient only when needed
            param = next((p for group in optimizer.param_groups for p in group["params"] if p.grad is not None), None)
        self._grad_param = param
        self._grad_after_step = (param, weakref.ref(param.grad)) if param is not None else None

    def _loss_forward(self, original: Callable) -> Callable:
        """The criterion's forward, and then a look at the loss while the Watch looks (see `_look`).

        A replaced `forward` costs one Python call; a forward hook would send every call of the criterion
        down PyTorch's slower path, at every step of the first epoch (until a validation pass is seen).
        """
        criterion, watch = self.criterion, self

        def forward(*args, **kwargs):
            loss = original(*args, **kwargs)
            # Between sampled steps only a loss without gradients (validation) is looked at.
            if watch._looking and (watch._checking or not torch.is_grad_enabled()):
                watch._on_loss(criterion, args, loss)
            return loss

        return forward

    def _on_loss(self, criterion, inputs, loss) -> None:
        """Look at a loss just computed: validation in train mode; on a sampled step, its inputs and value.

        The checks run on the first `warmup` steps and the sampled steps; until one validation pass (a
        no-grad loss) has been seen, every loss is looked at, for that one check.
        """
        if len(inputs) < 2:
            return
        if not torch.is_grad_enabled():
            self._seen_validation = True
            if self.model.training and any(isinstance(m, (nn.Dropout, nn.modules.batchnorm._BatchNorm))
                                           for m in self.model.modules()):
                self.add(Finding("train_mode_validation"))
            return
        if not self.sampled():
            return
        for finding in check_loss_inputs(criterion, inputs[0], inputs[1]):
            self.add(finding)
        value = loss.item() if loss.numel() == 1 else float(loss.detach().float().mean())
        if not math.isfinite(value):
            self.add(Finding("nonfinite_loss", {"value": value, "step": self.steps}))
            return
        if self.steps < self.warmup:
            self._losses.append(value)
            first = self._losses[0]
            if len(self._losses) >= 4 and value > 3 * first and value > first + 1.0:
                lr = float(self.optimizer.param_groups[0]["lr"])
                self.add(Finding("lr_too_large", {"first": first, "now": value, "steps": self.steps + 1, "lr": lr}))


_ERROR_PATTERNS = (
    (re.compile(r"device_ids and output_device arguments only work", re.I), "ddp.device_ids"),
    (re.compile(r"same device|expected device|is not on the expected device|device type", re.I), "device_mismatch"),
    (re.compile(r"0D or 1D target tensor expected|multi-target not supported", re.I), "target_extra_dim"),
    (re.compile(r"Target size .* must be the same as input size", re.I), "bce_shape"),
    (re.compile(r"expected scalar type Long|expected target dtype to be Long|expected .*Long.*found", re.I),
     "float_class_targets"),
    (re.compile(r"Target -?\d+ is out of bounds|out of bounds", re.I), "class_out_of_range"),
    (re.compile(r"result type Float can't be cast to the desired output type (Long|Int)", re.I), "bce_int_targets"),
)
_SHAPE_ERROR = re.compile(r"mat1 and mat2 shapes cannot be multiplied|Expected input batch_size|"
                          r"must match the size of tensor", re.I)


def explain_error(error: BaseException, *, lang: str | None = None) -> str | None:
    """A bilingual explanation of a device or shape error PyTorch raised, or None if we have none (lesson 09)."""
    text = str(error)
    lang = check_language(lang or get_language())
    for pattern, code in _ERROR_PATTERNS:
        if pattern.search(text):  # the error itself says what is wrong; add the fix and the lesson
            return "\n".join((t("doc.error_intro", lang), t("doc.fix", lang, fix=t(f"{_key(code)}.fix", lang)),
                              t("doc.lesson", lang, lesson=_lesson(code))))
    if _SHAPE_ERROR.search(text):
        return t("doc.error_intro", lang) + "\n" + t("doc.shape_error", lang, detail=text.splitlines()[0][:160])
    return None
