"""Lesson 10's texts: the playground's labels, status lines, messages and chart labels (helpers.playground)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # labels of the controls
    "l10.title": {"en": "Training playground: change a control while the loop runs",
                  "bn": "ট্রেনিং প্লেগ্রাউন্ড: লুপ চলার সময়েই কন্ট্রোল বদলাও"},
    "l10.lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "l10.batch_size": {"en": "batch size", "bn": "ব্যাচ সাইজ"},
    "l10.log_interval": {"en": "log interval", "bn": "লগ ইন্টারভাল"},
    "l10.epochs": {"en": "epochs", "bn": "ইপক"},
    "l10.optimizer": {"en": "optimizer", "bn": "অপটিমাইজার"},
    "l10.amp": {"en": "mixed precision (AMP)", "bn": "মিক্সড প্রিসিশন (AMP)"},
    "l10.amp_cuda_only": {"en": "mixed precision (AMP): CUDA only", "bn": "মিক্সড প্রিসিশন (AMP): শুধু CUDA-তে"},
    "l10.start": {"en": "Start", "bn": "শুরু"},
    "l10.pause": {"en": "Pause", "bn": "বিরতি"},
    "l10.resume": {"en": "Resume", "bn": "আবার চালাও"},
    "l10.stop": {"en": "Stop", "bn": "থামাও"},
    "l10.progress": {"en": "progress", "bn": "অগ্রগতি"},
    # the status line
    "l10.status": {"en": "{state} · step {step} · {rate:.0f} steps/s · {mode}",
                   "bn": "{state} · স্টেপ {step} · প্রতি সেকেন্ডে {rate:.0f} স্টেপ · {mode}"},
    "l10.state.idle": {"en": "ready: press Start", "bn": "প্রস্তুত: শুরু চাপো"},
    "l10.state.running": {"en": "training", "bn": "ট্রেনিং চলছে"},
    "l10.state.paused": {"en": "paused", "bn": "বিরতিতে"},
    "l10.state.finished": {"en": "finished", "bn": "শেষ হয়েছে"},
    "l10.state.stopped": {"en": "stopped", "bn": "থামানো হয়েছে"},
    "l10.state.error": {"en": "stopped by an error", "bn": "একটি ত্রুটিতে থেমে গেছে"},
    "l10.mode.thread": {"en": "background thread", "bn": "ব্যাকগ্রাউন্ড থ্রেড"},
    "l10.mode.poll": {"en": "main thread, polling the widgets", "bn": "মূল থ্রেড, উইজেট পোলিং"},
    # answers to the learner's requests
    "l10.msg.next_step": {"en": "{name} = {value}: used from the next step.",
                          "bn": "{name} = {value}: পরের স্টেপ থেকে কাজ করবে।"},
    "l10.msg.next_epoch": {"en": "{name} = {value}: takes effect at the next epoch boundary.",
                           "bn": "{name} = {value}: পরের ইপকের শুরুতে কাজ করবে।"},
    "l10.msg.at_start": {"en": "{name} = {value}: used when you press Start.",
                         "bn": "{name} = {value}: শুরু চাপলে কাজ করবে।"},
    "l10.msg.already_running": {"en": "Already training: there is only one training run at a time. "
                                      "Pause or Stop it first.",
                                "bn": "ট্রেনিং তো চলছেই: একসঙ্গে একটাই চলতে পারে। আগে বিরতি দাও বা থামাও।"},
    "l10.msg.not_running": {"en": "Nothing is training yet: press Start first.",
                            "bn": "এখনো কিছু ট্রেন হচ্ছে না: আগে শুরু চাপো।"},
    "l10.msg.already_paused": {"en": "Already paused: press Resume to continue.",
                               "bn": "বিরতি তো চলছেই: চালিয়ে যেতে আবার চালাও চাপো।"},
    "l10.msg.not_paused": {"en": "Not paused, so there is nothing to resume.",
                           "bn": "বিরতিতে নেই, তাই আবার চালানোর কিছু নেই।"},
    "l10.msg.paused": {"en": "Paused after step {step}. The weights and the optimizer wait as they are.",
                       "bn": "স্টেপ {step}-এর পরে বিরতি। ওজন আর অপটিমাইজার যেমন ছিল তেমনই অপেক্ষা করছে।"},
    "l10.msg.stopping": {"en": "Stopping after the current step...", "bn": "এই স্টেপ শেষ হলেই থামছে..."},
    "l10.msg.not_number": {"en": "{name} must be a number, got {value!r}: not changed.",
                           "bn": "{name} একটি সংখ্যা হতে হবে, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "l10.msg.not_whole": {"en": "{name} must be a whole number, got {value!r}: not changed.",
                          "bn": "{name} একটি পূর্ণসংখ্যা হতে হবে, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "l10.msg.out_of_range": {"en": "{name} must be between {low:g} and {high:g}, got {value!r}: not changed.",
                             "bn": "{name} {low:g} থেকে {high:g}-এর মধ্যে হতে হবে, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "l10.msg.bad_optimizer": {"en": "Unknown optimizer {value!r}: choose one of {options}.",
                              "bn": "অজানা অপটিমাইজার {value!r}: এগুলোর একটি বেছে নাও: {options}।"},
    "l10.msg.not_bool": {"en": "AMP is on or off (True or False), got {value!r}.",
                         "bn": "AMP হয় চালু নয়তো বন্ধ (True অথবা False), পাওয়া গেল {value!r}।"},
    "l10.msg.amp_unavailable": {"en": "Mixed precision helps on CUDA GPUs only; here the device is {device}, "
                                      "so it stays off.",
                                "bn": "মিক্সড প্রিসিশন শুধু CUDA GPU-তে কাজে আসে; এখানে ডিভাইস {device}, তাই এটা বন্ধই থাকছে।"},
    "l10.msg.unknown_control": {"en": "There is no control {name!r}; the controls are: {names}.",
                                "bn": "{name!r} নামে কোনো কন্ট্রোল নেই; কন্ট্রোলগুলো হলো: {names}।"},
    "l10.msg.bad_mode": {"en": "mode must be 'auto', 'thread' or 'poll', got {value!r}.",
                         "bn": "mode হতে হবে 'auto', 'thread' অথবা 'poll'; পাওয়া গেল {value!r}।"},
    "l10.msg.error": {"en": "Training stopped by an error: {reason}. The model and the history are kept.",
                      "bn": "একটি ত্রুটিতে ট্রেনিং থেমে গেছে: {reason}। মডেল আর হিস্ট্রি রাখা আছে।"},
    "l10.msg.no_poll": {"en": "Poll mode needs a Jupyter kernel with ipykernel 6 (as on Colab) and the jupyter-ui-poll "
                              "package; here the controls are read only at Start. Use mode='thread'.",
                        "bn": "পোল মোডের জন্য ipykernel 6 (Colab-এর মতো) সহ Jupyter কার্নেল আর jupyter-ui-poll প্যাকেজ "
                              "দরকার; এখানে কন্ট্রোলগুলো শুধু শুরুতে পড়া হবে। mode='thread' ব্যবহার করো।"},
    # lines in the log
    "l10.log.optimizer": {"en": "Epoch {epoch}: optimizer {old} -> {new} at a clean boundary (step {step}); "
                                "its state (momentum, Adam's averages) starts fresh.",
                          "bn": "ইপক {epoch}: অপটিমাইজার {old} -> {new}, একটি পরিষ্কার সীমানায় (স্টেপ {step}); "
                                "এর অবস্থা (মোমেন্টাম, Adam-এর গড়) নতুন করে শুরু হলো।"},
    "l10.log.amp": {"en": "Epoch {epoch}: mixed precision {value}.", "bn": "ইপক {epoch}: মিক্সড প্রিসিশন {value}।"},
    "l10.log.epochs": {"en": "This run now trains {value} epochs.", "bn": "এই রানে এখন {value}টি ইপক ট্রেন হবে।"},
    "l10.log.finished": {"en": "Finished after step {steps}. pg.model and pg.history are ready for the next cell.",
                         "bn": "স্টেপ {steps}-এর পরে শেষ হলো। pg.model আর pg.history পরের সেলের জন্য তৈরি।"},
    "l10.log.stopped": {"en": "Stopped after step {step}. The model and the history are kept (pg.model, pg.history).",
                        "bn": "স্টেপ {step}-এর পরে থামানো হলো। মডেল আর হিস্ট্রি রাখা আছে (pg.model, pg.history)।"},
    "l10.log.nonfinite": {"en": "Stopped: the loss became {loss} at step {step}. The learning rate is too high; "
                                "lower it "
                                "and press Start (the history is kept).",
                          "bn": "থামানো হলো: স্টেপ {step}-এ লস {loss} হয়ে গেছে। লার্নিং রেট বেশি বড়; কমিয়ে আবার "
                                "শুরু চাপো (হিস্ট্রি রাখা আছে)।"},
    # the chart
    "l10.chart.title": {"en": "Loss per step; dashed lines: your changes",
                        "bn": "প্রতি স্টেপে লস; ড্যাশ দেওয়া রেখা: তোমার পরিবর্তন"},
    "l10.chart.loss": {"en": "loss per step", "bn": "প্রতি স্টেপে লস"},
    "l10.chart.train_acc": {"en": "train accuracy", "bn": "ট্রেন সঠিকতা"},
    "l10.chart.val_acc": {"en": "validation accuracy", "bn": "ভ্যালিডেশন সঠিকতা"},
}
