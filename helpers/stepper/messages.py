"""Every text the stepper, its widget and its picture show, in English and Bengali (lessons 02 and 07).

This table, registered with helpers.i18n, owns the "step." keys: the errors, the step summaries, what
broke over the batches, the widget's labels and the note on each numbered line. Button names inside a
message are quoted «like this» in Bengali (the playground does the same); unquoted in English.
"""

from __future__ import annotations

from ..i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    "step.bad_line": {
        "en": "{line!r} is not a numbered line of {name}; its numbered lines are {labels}.",
        "bn": "{line!r} {name}-এর নম্বর দেওয়া কোনো লাইন নয়; এর নম্বর দেওয়া লাইনগুলো হলো {labels}।",
    },
    "step.not_skippable": {
        "en": "Line {line} opens a block ({kind}), so it cannot be skipped. Lines you can skip: {labels}.",
        "bn": "লাইন {line} একটি ব্লক খোলে ({kind}), তাই এটা বাদ দেওয়া যায় না। যে লাইনগুলো বাদ দেওয়া যায়: {labels}।",
    },
    "step.bad_log_interval": {
        "en": "log_interval must be a whole number of at least 1, got {value!r}.",
        "bn": "log_interval-কে 1 বা তার বেশি একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}।",
    },
    "step.no_source": {
        "en": "Cannot read the source code of {name}: define the loop with def in a notebook cell or a .py file.",
        "bn": "{name}-এর সোর্স কোড পড়া গেল না: লুপটি def দিয়ে কোনো নোটবুক সেলে বা .py ফাইলে লেখো।",
    },
    "step.no_labels": {
        "en": "{name} has no numbered lines. End each line to stop at with a comment such as  # 6",
        "bn": "{name}-এ নম্বর দেওয়া কোনো লাইন নেই। যে লাইনে থামতে চাও, তার শেষে # 6-এর মতো একটি কমেন্ট দাও।",
    },
    "step.closure": {
        "en": "To skip a line, {name} must be defined at the top level of a cell or file; it uses variables "
        "of an enclosing function ({names}).",
        "bn": "লাইন বাদ দিতে হলে {name}-কে কোনো সেল বা ফাইলের একেবারে বাইরে (top level-এ, কোনো ফাংশনের ভেতরে নয়) "
        "লিখতে হবে; এটি বাইরের একটি "
        "ফাংশনের ভেরিয়েবল ব্যবহার করছে ({names})।",
    },
    "step.finished": {
        "en": "The epoch is over (the loop returned {result}). Call restart() to step through it again.",
        "bn": "ইপক শেষ (লুপ ফেরত দিয়েছে {result})। আবার ধাপে ধাপে চালাতে restart() কল করো।",
    },
    "step.failed": {
        "en": "The loop stopped with an error ({error}). Fix the cause, then call restart().",
        "bn": "একটি এররে লুপ থেমে গেছে ({error})। কারণটা ঠিক করো, তারপর restart() কল করো।",
    },
    "step.cpu_amp": {
        "en": "On a CPU, autocast computes in bfloat16, which needs no GradScaler: the scaler here only shows the "
        "mechanism. Only a CUDA GPU shows float16 itself: real overflows, skipped steps and the speed-up.",
        "bn": "CPU-তে autocast হিসাব করে bfloat16-এ, যার GradScaler লাগে না: এখানে স্কেলারটা শুধু এর কলকব্জা দেখায়। "
        "float16 নিজে, অর্থাৎ সত্যিকারের ওভারফ্লো, বাদ পড়া স্টেপ আর গতি বাড়া, দেখা যায় শুধু CUDA GPU-তে।",
    },
    # what a line changed, in a record's summary, the table, the picture and the widget
    "step.nothing": {"en": "nothing changed", "bn": "কিছুই বদলায়নি"},
    "step.no_grads": {"en": "no gradients (.grad is None)", "bn": "কোনো গ্রেডিয়েন্ট নেই (.grad হলো None)"},
    "step.grad_norm": {"en": "gradient norm {norm:.4g}", "bn": "গ্রেডিয়েন্টের নর্ম {norm:.4g}"},
    "step.true_grad_norm": {
        "en": "scaled gradient norm {norm:.4g} = {scale:.0f} x the true norm {true:.4g}",
        "bn": "স্কেল করা গ্রেডিয়েন্টের নর্ম {norm:.4g} = {scale:.0f} x আসল নর্ম {true:.4g}",
    },
    "step.moved": {"en": "weights moved by {norm:.4g}", "bn": "ওজন সরেছে {norm:.4g}"},
    "step.scale": {"en": "scale {scale:.0f}", "bn": "স্কেল {scale:.0f}"},
    "step.skipped": {"en": "skipped (ran as pass)", "bn": "বাদ দেওয়া হয়েছে (pass হিসেবে চলেছে)"},
    "step.printed": {"en": "printed: {text}", "bn": "প্রিন্ট করেছে: {text}"},
    "step.loop_over": {"en": "no batch left: the loop ends", "bn": "আর কোনো ব্যাচ নেই: লুপ শেষ"},
    "step.col_line": {"en": "line", "bn": "লাইন"},
    "step.col_code": {"en": "code", "bn": "কোড"},
    "step.col_changed": {"en": "what it changed", "bn": "কী বদলাল"},
    "step.picture_title": {
        "en": "After line {line} (batch {batch}): {code}",
        "bn": "লাইন {line}-এর পরে (ব্যাচ {batch}): {code}",
    },
    "step.picture_start": {"en": "Nothing has run yet", "bn": "এখনো কিছু চলেনি"},
    "step.axis_grad": {"en": "gradient norm per layer", "bn": "প্রতিটি স্তরের গ্রেডিয়েন্ট নর্ম"},
    "step.axis_batch": {"en": "batch", "bn": "ব্যাচ"},
    "step.axis_moved": {"en": "weight change per layer (last step)", "bn": "প্রতিটি স্তরের ওজনের বদল (শেষ স্টেপে)"},
    # the widget (helpers.stepper.widget, helpers.stepper.panels)
    "step.ui.title": {"en": "The training loop, one line at a time", "bn": "ট্রেনিং লুপ, এক লাইন করে"},
    "step.ui.next_line": {"en": "Next line", "bn": "পরের লাইন চালাও"},
    "step.ui.next_batch": {"en": "Next batch", "bn": "পরের ব্যাচ চালাও"},
    "step.ui.run_to_end": {"en": "Run to end", "bn": "শেষ পর্যন্ত চালাও"},
    "step.ui.restart": {"en": "Restart", "bn": "গোড়া থেকে চালাও"},
    "step.ui.skip": {"en": "Skip line:", "bn": "লাইন বাদ দাও:"},
    "step.ui.ready": {"en": "Line {line} runs next. Press Next line.", "bn": "এরপর চলবে লাইন {line}। «পরের লাইন চালাও» চাপো।"},
    "step.ui.ran": {"en": "Line {line} ran", "bn": "লাইন {line} চলল"},
    "step.ui.batch": {"en": "batch {batch}", "bn": "ব্যাচ {batch}"},
    "step.ui.done": {
        "en": "The epoch is over: average loss {loss:.4f}, training accuracy {acc:.1%}. Press Restart to step "
        "through it again.",
        "bn": "ইপক শেষ: গড় লস {loss:.4f}, ট্রেনিং সঠিকতা {acc:.1%}। আবার লাইন ধরে ধরে দেখতে «গোড়া থেকে চালাও» চাপো।",
    },
    "step.ui.over": {
        "en": "The epoch is over (the loop returned {result}). Press Restart to step through it again.",
        "bn": "ইপক শেষ (লুপ ফেরত দিয়েছে {result})। আবার লাইন ধরে ধরে দেখতে «গোড়া থেকে চালাও» চাপো।",
    },
    "step.ui.stopped": {
        "en": "The loop stopped with an error. Fix its cause, then press Restart.",
        "bn": "একটি এররে লুপ থেমে গেছে। কারণটা ঠিক করো, তারপর «গোড়া থেকে চালাও» চাপো।",
    },
    "step.ui.without": {"en": "Without line(s) {lines}:", "bn": "লাইন {lines} বাদ দিয়ে:"},
    "step.ui.compare": {
        "en": "The whole loop, in your earlier run: average loss {loss:.4f}, training accuracy {acc:.1%}.",
        "bn": "পুরো লুপ, তোমার আগের রানে: গড় লস {loss:.4f}, ট্রেনিং সঠিকতা {acc:.1%}।",
    },
    "step.ui.compare_hint": {
        "en": "To compare with the whole loop, clear the ticks and press Run to end.",
        "bn": "পুরো লুপের সঙ্গে মিলিয়ে দেখতে টিকগুলো তুলে দাও, তারপর «শেষ পর্যন্ত চালাও» চাপো।",
    },
    "step.ui.per_batch": {"en": "Batch by batch ({batches} batches)", "bn": "ব্যাচ ধরে ধরে ({batches}টি ব্যাচ)"},
    "step.ui.series_grad": {"en": "gradient norm", "bn": "গ্রেডিয়েন্টের নর্ম"},
    "step.ui.series_moved": {"en": "weight change", "bn": "ওজনের বদল"},
    "step.ui.series_loss": {"en": "loss", "bn": "লস"},
    # what broke, read from the batches (helpers.stepper.batches.findings)
    "step.find.no_grads": {
        "en": "No batch had a gradient ({batches} batches): nothing called backward(), so the optimizer had nothing "
        "to step with.",
        "bn": "কোনো ব্যাচেই গ্রেডিয়েন্ট ছিল না ({batches}টি ব্যাচ): কেউ backward() কল করেনি, তাই অপটিমাইজারের "
        "স্টেপ নেওয়ার মতো কিছু ছিল না।",
    },
    "step.find.piling": {
        "en": "The gradient norm grew batch after batch, from {first:.3g} to {last:.3g}: each backward() added its "
        "gradient to the ones left from the batches before, because nothing cleared them.",
        "bn": "গ্রেডিয়েন্টের নর্ম ব্যাচের পর ব্যাচ বেড়েছে, {first:.3g} থেকে {last:.3g}: প্রতিটি backward() আগের "
        "ব্যাচগুলো থেকে রয়ে যাওয়া গ্রেডিয়েন্টের সঙ্গে নিজেরটা যোগ করেছে, কারণ কিছুই সেগুলো মোছেনি।",
    },
    "step.find.frozen": {
        "en": "The weights never moved in {batches} batches: no step changed them.",
        "bn": "{batches}টি ব্যাচে ওজন একবারও সরেনি: কোনো স্টেপ সেগুলো বদলায়নি।",
    },
    "step.find.nonfinite": {
        "en": "From batch {batch} on, the loss is no longer a finite number (nan or inf).",
        "bn": "ব্যাচ {batch} থেকে লস আর সসীম কোনো সংখ্যা নয় (nan বা inf)।",
    },
    "step.find.nothing": {
        "en": "The numbers per batch show nothing unusual: compare the averages with the whole loop's.",
        "bn": "প্রতি ব্যাচের সংখ্যায় অস্বাভাবিক কিছু দেখা যাচ্ছে না: গড়গুলো পুরো লুপের গড়ের সঙ্গে মিলিয়ে দেখো।",
    },
    "step.ui.restarted": {
        "en": "Started again from the same weights, without line(s): {lines}.",
        "bn": "একই ওজন থেকে নতুন করে শুরু হলো, এই লাইন(গুলো) ছাড়া: {lines}।",
    },
    "step.ui.restarted_all": {"en": "Started again from the same weights.", "bn": "একই ওজন থেকে নতুন করে শুরু হলো।"},
    "step.ui.error": {"en": "The loop raised {error}", "bn": "লুপটি এরর দেখিয়েছে: {error}"},
    "step.ui.grads": {"en": "gradient norm per layer", "bn": "প্রতিটি স্তরের গ্রেডিয়েন্ট নর্ম"},
    "step.ui.moved": {"en": "weight change per layer", "bn": "প্রতিটি স্তরের ওজনের বদল"},
    "step.ui.tensors": {"en": "tensors", "bn": "tensor-গুলো"},
    "step.ui.counters": {"en": "counters", "bn": "কাউন্টার"},
    "step.ui.printed": {"en": "printed", "bn": "প্রিন্ট হয়েছে"},
    # one or two sentences per line, word for word from the lessons' prose (a test checks it)
    "step.note.02.1": {
        "en": "`model.train()` only sets a flag; it does not train anything. Without it, a model last used with "
        "`model.eval()` would train with dropout switched off and batch-norm statistics frozen.",
        "bn": "`model.train()` শুধু একটা ফ্ল্যাগ বসায়, নিজে কিছুই ট্রেন করে না। এটি না থাকলে, শেষবার `model.eval()` "
        "অবস্থায় ব্যবহার করা একটি মডেল ড্রপআউট বন্ধ রেখে আর BatchNorm-এর পরিসংখ্যান না বদলেই ট্রেন হবে।",
    },
    "step.note.02.2": {
        "en": "`running_loss` adds up the loss of every batch so that we can report the epoch's average at the end (line 16).",
        "bn": "`running_loss` প্রতিটি ব্যাচের লস যোগ করে রাখে, যাতে শেষে (লাইন 16) পুরো ইপকের গড় জানাতে পারি।",
    },
    "step.note.02.3": {
        "en": "`correct` and `total` count right predictions and samples seen, for the training accuracy (line 17).",
        "bn": "`correct` আর `total` গোনে কতগুলো প্রেডিকশন ঠিক হলো আর মোট কতগুলো স্যাম্পল দেখা "
        "হলো; এ দুটো থেকেই লাইন 17-এ আসে ট্রেনিং সঠিকতা (accuracy)।",
    },
    "step.note.02.4": {
        "en": "The loader hands out one *batch* at a time: a tensor of images and a tensor of their labels. "
        "`enumerate` adds the batch number, which line 15 uses for logging.",
        "bn": "লোডার একবারে একটি করে *ব্যাচ* দেয়: ছবিগুলোর একটি tensor আর তাদের লেবেলের একটি tensor। "
        "`enumerate` সঙ্গে ব্যাচের নম্বরটাও জুড়ে দেয়, যা লাইন 15 লগ লেখার কাজে লাগায়।",
    },
    "step.note.02.5": {
        "en": "The model was moved to the device once (lesson 01); every batch has to follow it, or PyTorch raises "
        "the device-mismatch `RuntimeError`.",
        "bn": "মডেলকে ডিভাইসে পাঠানো হয়েছিল মাত্র একবার (পাঠ ০১); প্রতিটি ব্যাচকেও তার পিছু পিছু সেখানে যেতে হবে, "
        "নইলে PyTorch ডিভাইস অমিলের (device mismatch) এরর দেখায়, একটি `RuntimeError`।",
    },
    "step.note.02.6": {
        "en": "Clears the gradients left over from the previous step. PyTorch adds new gradients to the old ones, so "
        "without this line each update uses the sum of all gradients so far (we proved that in lesson 01).",
        "bn": "আগের স্টেপ থেকে রয়ে যাওয়া গ্রেডিয়েন্ট মুছে ফেলে। PyTorch নতুন গ্রেডিয়েন্টকে পুরোনোগুলোর "
        "সঙ্গে যোগ করে, তাই এই লাইন না থাকলে প্রতিটি আপডেট এ পর্যন্ত পাওয়া সব গ্রেডিয়েন্টের যোগফল ব্যবহার করে "
        "(পাঠ ০১-এ আমরা এটা প্রমাণ করে দেখেছি)।",
    },
    "step.note.02.7": {
        "en": "The *forward pass*: the batch flows through the layers and comes out as logits, one row per image and "
        "one column per class.",
        "bn": "*ফরোয়ার্ড পাস*: ব্যাচটি স্তরগুলোর ভেতর দিয়ে বয়ে গিয়ে logits হয়ে বেরিয়ে আসে, প্রতিটি "
        "ছবির জন্য একটি সারি আর প্রতিটি ক্লাসের জন্য একটি কলাম।",
    },
    "step.note.02.8": {
        "en": "Compares the logits with the true labels and returns one number: the average loss over the batch.",
        "bn": "logits-কে আসল লেবেলের সঙ্গে তুলনা করে একটিমাত্র সংখ্যা ফেরত দেয়: পুরো ব্যাচের গড় লস।",
    },
    "step.note.02.9": {
        "en": "The *backward pass*: PyTorch walks back through every operation of the forward pass and stores, in "
        "each parameter's `.grad`, how the loss changes when that parameter changes.",
        "bn": "*ব্যাকওয়ার্ড পাস*: PyTorch ফরোয়ার্ড পাসের প্রতিটি অপারেশন ধরে উল্টো দিকে ফিরে যায়, আর "
        "প্রতিটি প্যারামিটারের `.grad`-এ লিখে রাখে, সেই প্যারামিটার বদলালে লস কীভাবে বদলায়।",
    },
    "step.note.02.10": {
        "en": "Updates every weight using its gradient and the optimizer's rule (Adam, SGD, ...). The learning rate "
        "sets the step size: too large and the loss jumps around or becomes `nan`; too small and training crawls.",
        "bn": "প্রতিটি ওজনকে তার গ্রেডিয়েন্ট আর অপটিমাইজারের নিজস্ব নিয়ম (Adam, SGD, ...) অনুযায়ী আপডেট করে। ধাপ কত "
        "বড় হবে তা ঠিক করে লার্নিং রেট: খুব বড় হলে লস লাফালাফি করে বা `nan` হয়ে যায়; খুব ছোট হলে "
        "ট্রেনিং শামুকের গতিতে এগোয়।",
    },
    "step.note.02.11": {
        "en": "`.item()` turns it into a plain Python number, which is what we want to add up; adding the tensor "
        "itself would keep every batch's graph alive in memory.",
        "bn": "`.item()` এটিকে সাধারণ একটি Python সংখ্যায় বদলে দেয়, আর যোগ করার জন্য আমাদের ঠিক সেটাই দরকার; "
        "tensor-টাকেই যোগ করলে প্রতিটি ব্যাচের গ্রাফ মেমরিতে থেকে যেত।",
    },
    "step.note.02.12": {
        "en": "`outputs.argmax(dim=1)` picks, in every row, the column with the largest score: the predicted class.",
        "bn": "`outputs.argmax(dim=1)` প্রতিটি সারিতে সবচেয়ে বড় স্কোরের কলামটি বেছে নেয়: সেটাই প্রেডিক্ট করা ক্লাস।",
    },
    "step.note.02.13": {
        "en": "Line 13 compares predictions with targets (a tensor of `True`/`False`), counts the `True` values and "
        "adds them to `correct`.",
        "bn": "লাইন 13 প্রেডিকশনগুলোকে টার্গেটের সঙ্গে তুলনা করে (ফল হয় `True`/`False`-এর একটি tensor), `True`-গুলো "
        "গোনে আর সংখ্যাটা `correct`-এ যোগ করে।",
    },
    "step.note.02.14": {
        "en": "Line 14 adds the number of samples in the batch: `targets.size(0)` is the batch dimension, which can "
        "be smaller for the last batch of an epoch.",
        "bn": "লাইন 14 ব্যাচের স্যাম্পল-সংখ্যা যোগ করে: `targets.size(0)` হলো ব্যাচের মাত্রা, যা ইপকের শেষ ব্যাচে "
        "ছোট হতে পারে।",
    },
    "step.note.02.15": {
        "en": "`batch_idx % log_interval == 0` is true for batches 0, `log_interval`, `2 × log_interval`, ... so we "
        "print a progress line now and then.",
        "bn": "`batch_idx % log_interval == 0` সত্য হয় ব্যাচ 0, `log_interval`, `2 × log_interval`, ...-এর বেলায়, "
        "তাই মাঝে মাঝে আমরা অগ্রগতির একটি লাইন প্রিন্ট করি।",
    },
    "step.note.02.16": {
        "en": "Line 16 divides the summed loss by the number of batches: the average training loss of the epoch.",
        "bn": "লাইন 16 মোট লসকে ব্যাচের সংখ্যা দিয়ে ভাগ করে: এটাই ইপকের গড় ট্রেনিং লস।",
    },
    "step.note.02.17": {
        "en": "Line 17 is the training accuracy; the `if total else 0.0` guards against dividing by zero on an "
        "empty loader.",
        "bn": "লাইন 17 হলো ট্রেনিং সঠিকতা; `if total else 0.0` অংশটা ফাঁকা লোডারের বেলায় শূন্য দিয়ে ভাগ হওয়া আটকায়।",
    },
    "step.note.02.18": {
        "en": "Line 18 returns both, so the caller can log them, feed a scheduler or decide to stop early.",
        "bn": "লাইন 18 দুটো মানই ফেরত দেয়, যাতে ফাংশনটিকে যে কোড কল করেছে, সেটি এগুলো লগ করতে পারে, কোনো শিডিউলারকে "
        "দিতে পারে, কিংবা আর্লি স্টপিংয়ের সিদ্ধান্ত নিতে পারে।",
    },
    "step.note.07.A": {
        "en": "Lines A and B compute exactly those two arguments from `device`.",
        "bn": "লাইন A আর B ঠিক এই দুটি আর্গুমেন্ট `device` থেকে হিসাব করে।",
    },
    "step.note.07.B": {
        "en": "`amp_dtype` is the 16-bit type that mixed precision will use on this machine: float16 on an NVIDIA GPU, "
        "bfloat16 on a CPU.",
        "bn": "`amp_dtype` হলো সেই 16-বিটের ধরন, যা এই মেশিনে মিক্সড প্রিসিশন ব্যবহার করবে: NVIDIA GPU-তে float16, "
        "CPU-তে bfloat16।",
    },
    "step.note.07.C": {
        "en": "Inside the `with torch.amp.autocast(device_type=..., dtype=...)` block, PyTorch decides operation by "
        "operation which precision to use. The weights themselves stay in float32: autocast makes 16-bit copies for "
        "the computation, and the gradients arrive back in float32.",
        "bn": "`with torch.amp.autocast(device_type=..., dtype=...)` ব্লকের ভেতরে PyTorch প্রতিটি অপারেশনের জন্য আলাদা "
        "করে ঠিক করে কোন প্রিসিশন ব্যবহার হবে। ওজনগুলো নিজেরা float32-ই থাকে: autocast হিসাবের জন্য তাদের 16-বিটের "
        "কপি বানায়, আর গ্রেডিয়েন্ট ফেরত আসে float32-এ।",
    },
    "step.note.07.D": {
        "en": "`scaler.scale(loss)` returns the loss multiplied by the current scale; `.backward()` on it gives scaled "
        "gradients.",
        "bn": "`scaler.scale(loss)` লসকে বর্তমান স্কেল দিয়ে গুণ করে ফেরত দেয়; তার ওপর `.backward()` কল করলে স্কেল করা "
        "গ্রেডিয়েন্ট পাওয়া যায়।",
    },
    "step.note.07.E": {
        "en": "Line E makes clipping optional: with `max_grad_norm=None` the template skips lines F and G.",
        "bn": "লাইন E ক্লিপিংকে ঐচ্ছিক করে: `max_grad_norm=None` হলে টেমপ্লেটটি লাইন F আর G বাদ দিয়ে যায়।",
    },
    "step.note.07.F": {
        "en": "`scaler.unscale_(optimizer)` divides the gradients in place first, so the clipping sees true values.",
        "bn": "`scaler.unscale_(optimizer)` আগেভাগেই গ্রেডিয়েন্টগুলোকে `.grad`-এর ভেতরেই ভাগ করে দেয়, তাই ক্লিপিং আসল "
        "মানগুলোই দেখে।",
    },
    "step.note.07.G": {
        "en": "`clip_grad_norm_(parameters, max_norm)` shrinks the gradients when their global norm is larger than "
        "`max_norm` (section 8).",
        "bn": "`clip_grad_norm_(parameters, max_norm)` গ্রেডিয়েন্টগুলোর সামগ্রিক নর্ম `max_norm`-এর চেয়ে বড় হলে "
        "সেগুলোকে ছোট করে দেয় (অংশ ৮)।",
    },
    "step.note.07.H": {
        "en": "`scaler.step(optimizer)` checks the gradients first. If any is `inf` or `nan` (the scale was too large "
        "and float16 overflowed), it does **not** call `optimizer.step()`: this batch is skipped rather than allowed "
        "to destroy the weights.",
        "bn": "`scaler.step(optimizer)` আগে গ্রেডিয়েন্টগুলো পরীক্ষা করে। কোনোটি `inf` বা `nan` হলে (স্কেল খুব বড় ছিল "
        "আর float16 ওভারফ্লো করেছে) এটি `optimizer.step()` **কল করে না**: ওজনগুলোকে নষ্ট করতে না দিয়ে এই ব্যাচটি বাদ "
        "দেওয়া হয়।",
    },
    "step.note.07.I": {
        "en": "After every step, `scaler.update()` adjusts the scale for the next one. Forget `scaler.update()` and "
        "the next `scaler.unscale_()` or `scaler.step()` raises a `RuntimeError`: `step` marks the optimizer as "
        "stepped, and only `update` clears the mark.",
        "bn": "প্রতিটি স্টেপের পরে `scaler.update()` পরের স্টেপের জন্য স্কেল ঠিক করে। `scaler.update()` ভুলে গেলে পরের "
        "`scaler.unscale_()` বা `scaler.step()` এরর দেখায়, একটি `RuntimeError`: `step` অপটিমাইজারের গায়ে \"স্টেপ নেওয়া "
        "হয়েছে\" চিহ্ন বসায়, আর সেই চিহ্ন মোছে শুধু `update`।",
    },
    "step.note.07.J": {
        "en": "The template steps a per-epoch scheduler (`StepLR`, `CosineAnnealingLR`) once at the end of the epoch.",
        "bn": "টেমপ্লেটটি প্রতি-ইপক শিডিউলারকে (`StepLR`, `CosineAnnealingLR`) ইপকের শেষে একবার স্টেপ করায়।",
    },
}
register(MESSAGES)
