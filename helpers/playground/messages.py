"""The playground's own texts (lesson 10): control labels, states, messages, log lines, chart and lab labels.

One table, registered with helpers.i18n at import; the controller, the chart and the view look them up by key.
In the Bengali messages a button's name is always quoted «like this» (one quoting style), and the Bengali button
labels are all imperatives («শুরু করো», «বিরতি দাও», «চালিয়ে যাও», ...), as lessons_bn/GLOSSARY.md has resume.
"""

from __future__ import annotations

from ..i18n import register

MESSAGES: dict[str, dict[str, str]] = {
    # labels of the controls
    "pg.title": {"en": "Training playground: change a control while the loop runs",
                  "bn": "ট্রেনিং প্লেগ্রাউন্ড: লুপ চলার সময়েই কন্ট্রোল বদলাও"},
    "pg.lr": {"en": "learning rate", "bn": "লার্নিং রেট"},
    "pg.batch_size": {"en": "batch size", "bn": "ব্যাচ সাইজ"},
    "pg.log_interval": {"en": "log interval", "bn": "লগ ইন্টারভাল"},
    "pg.epochs": {"en": "epochs", "bn": "ইপক"},
    "pg.epochs_hint": {"en": "∞ = until Stop", "bn": "∞ = «থামাও» চাপা পর্যন্ত"},
    "pg.until_stop": {"en": "∞ (until you press Stop)", "bn": "∞ («থামাও» না চাপা পর্যন্ত)"},
    "pg.optimizer": {"en": "optimizer", "bn": "অপটিমাইজার"},
    "pg.amp": {"en": "mixed precision (AMP)", "bn": "মিক্সড প্রিসিশন (AMP)"},
    "pg.amp_cuda_only": {"en": "AMP: CUDA only", "bn": "AMP: শুধু CUDA-তে"},
    "pg.start": {"en": "Start", "bn": "শুরু করো"},
    "pg.pause": {"en": "Pause", "bn": "বিরতি দাও"},
    "pg.resume": {"en": "Resume", "bn": "চালিয়ে যাও"},
    "pg.stop": {"en": "Stop", "bn": "থামাও"},
    "pg.reset": {"en": "Reset", "bn": "রিসেট করো"},
    "pg.fork": {"en": "Fork", "bn": "ফর্ক করো"},
    "pg.reset_tip": {"en": "Back to the first weights (the same seed); the history starts empty",
                      "bn": "প্রথম ওজনে ফিরে যায় (একই সিড); হিস্ট্রি আবার খালি থেকে শুরু হয়"},
    "pg.fork_tip": {"en": "Copy the whole run at this step into a new branch; change one setting there and compare",
                     "bn": "এই স্টেপে পুরো রানটির একটি কপি নতুন শাখায় রাখে; সেখানে একটি সেটিং বদলে তুলনা করো"},
    "pg.branch": {"en": "branch", "bn": "শাখা"},
    "pg.progress": {"en": "progress", "bn": "প্রগ্রেস"},
    # the status line
    "pg.status.idle": {"en": "{state}", "bn": "{state}"},
    "pg.status.running": {"en": "{state} · run {run} · epoch {epoch}/{of} · step {step} · {rate:.0f} steps/s",
                           "bn": "{state} · রান {run} · ইপক {epoch}/{of} · স্টেপ {step} · প্রতি সেকেন্ডে {rate:.0f} স্টেপ"},
    "pg.status.done": {"en": "{state} · run {run} · epoch {epoch}/{of} · step {step}",
                        "bn": "{state} · রান {run} · ইপক {epoch}/{of} · স্টেপ {step}"},
    "pg.state.idle": {"en": "ready: press Start", "bn": "প্রস্তুত: «শুরু করো» চাপো"},
    "pg.state.running": {"en": "training", "bn": "ট্রেনিং চলছে"},
    "pg.state.paused": {"en": "paused", "bn": "বিরতিতে"},
    "pg.state.finished": {"en": "finished", "bn": "শেষ হয়েছে"},
    "pg.state.stopped": {"en": "stopped", "bn": "থামানো হয়েছে"},
    "pg.state.error": {"en": "stopped by an error", "bn": "একটি এররের কারণে থেমে গেছে"},
    "pg.mode.thread": {"en": "background thread", "bn": "ব্যাকগ্রাউন্ড থ্রেড"},
    "pg.mode.poll": {"en": "main thread, polling the widgets", "bn": "মূল থ্রেড, উইজেটগুলো পোল করে"},
    # answers to the learner's requests
    "pg.msg.next_step": {"en": "{name} = {value}: used from the next step.",
                          "bn": "{name} = {value}: পরের স্টেপ থেকে কাজ করবে।"},
    "pg.msg.next_epoch": {"en": "{name} = {value}: takes effect at the next epoch boundary.",
                           "bn": "{name} = {value}: পরের ইপকের শুরুতে কাজ করবে।"},
    "pg.msg.at_start": {"en": "{name} = {value}: used when you press Start.",
                         "bn": "{name} = {value}: «শুরু করো» চাপলে কাজ করবে।"},
    "pg.msg.already_running": {"en": "Already training: there is only one training run at a time. "
                                      "Pause or Stop it first.",
                                "bn": "ট্রেনিং তো চলছেই: একসঙ্গে একটাই রান চলতে পারে। আগে «বিরতি দাও» বা «থামাও» চাপো।"},
    "pg.msg.not_running": {"en": "Nothing is training yet: press Start first.",
                            "bn": "এখনো কিছু ট্রেন হচ্ছে না: আগে «শুরু করো» চাপো।"},
    "pg.msg.already_paused": {"en": "Already paused: press Resume to continue.",
                               "bn": "বিরতি তো চলছেই: চালিয়ে যেতে «চালিয়ে যাও» চাপো।"},
    "pg.msg.not_paused": {"en": "Not paused, so there is nothing to resume.",
                           "bn": "বিরতি দেওয়া হয়নি, তাই চালিয়ে যাওয়ার কিছু নেই।"},
    "pg.msg.pausing": {"en": "Pausing after the current step...", "bn": "এই স্টেপ শেষ হলেই বিরতি..."},
    "pg.msg.paused": {"en": "Paused after step {step}. The weights and the optimizer wait as they are.",
                       "bn": "স্টেপ {step}-এর পরে বিরতি। ওজন আর অপটিমাইজার যেমন ছিল তেমনই অপেক্ষা করছে।"},
    "pg.msg.stopping": {"en": "Stopping after the current step...", "bn": "এই স্টেপ শেষ হলেই থামছে..."},
    "pg.msg.resetting": {"en": "Stopping after the current step, then back to the first weights...",
                          "bn": "এই স্টেপ শেষ হলেই থামছে, তারপর প্রথম ওজনে ফেরা হবে..."},
    "pg.msg.reset": {"en": "Back to the first weights (seed {seed}) with a new optimizer; the history starts empty "
                            "and the branches are gone. Press Start.",
                      "bn": "নতুন অপটিমাইজার নিয়ে প্রথম ওজনে ফেরা হলো (সিড {seed}); হিস্ট্রি আবার খালি, শাখাগুলোও নেই। "
                            "«শুরু করো» চাপো।"},
    "pg.msg.replaced": {"en": "A newer playground replaced this one (its cell ran again), so this one is stopped. "
                               "Use the new one.",
                         "bn": "এর জায়গায় একটি নতুন প্লেগ্রাউন্ড তৈরি হয়েছে (সেলটি আবার চালানো হয়েছে), তাই এটি বন্ধ। "
                               "নতুনটি ব্যবহার করো।"},
    "pg.msg.closed": {"en": "This playground is closed: make a new one to train again.",
                       "bn": "এই প্লেগ্রাউন্ডটি বন্ধ: আবার ট্রেন করতে একটি নতুন তৈরি করো।"},
    "pg.msg.not_number": {"en": "{name} must be a number, got {value!r}: not changed.",
                           "bn": "{name} হিসেবে একটি সংখ্যা চাই, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.not_whole": {"en": "{name} must be a whole number, got {value!r}: not changed.",
                          "bn": "{name} হিসেবে একটি পূর্ণসংখ্যা চাই, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.out_of_range": {"en": "{name} must be between {low} and {high}, got {value!r}: not changed.",
                             "bn": "{name}-এর মান {low} থেকে {high}-এর মধ্যে হতে হবে, পাওয়া গেল {value!r}: বদলানো হয়নি।"},
    "pg.msg.bad_optimizer": {"en": "Unknown optimizer {value!r}: choose one of {options}.",
                              "bn": "অজানা অপটিমাইজার {value!r}; এগুলোর যেকোনো একটি বেছে নাও: {options}।"},
    "pg.msg.not_bool": {"en": "AMP is on or off (True or False), got {value!r}.",
                         "bn": "AMP হয় চালু নয়তো বন্ধ (True অথবা False), পাওয়া গেল {value!r}।"},
    "pg.msg.amp_unavailable": {"en": "Mixed precision helps on CUDA GPUs only; here the device is {device}, "
                                      "so it stays off.",
                                "bn": "মিক্সড প্রিসিশন শুধু CUDA GPU-তে কাজে আসে; এখানে ডিভাইস {device}, তাই এটা বন্ধই থাকছে।"},
    "pg.msg.unknown_control": {"en": "There is no control {name!r}; the controls are: {names}.",
                                "bn": "{name!r} নামে কোনো কন্ট্রোল নেই; কন্ট্রোলগুলো হলো: {names}।"},
    "pg.msg.bad_mode": {"en": "mode must be 'auto', 'thread' or 'poll', got {value!r}.",
                         "bn": "mode হতে হবে 'auto', 'thread' অথবা 'poll'; পাওয়া গেল {value!r}।"},
    "pg.msg.error": {"en": "Training stopped by an error: {reason}. The model and the history are kept.",
                      "bn": "একটি এররের কারণে ট্রেনিং থেমে গেছে: {reason}। মডেল আর হিস্ট্রি রাখা আছে।"},
    "pg.msg.no_poll": {"en": "Poll mode needs a Jupyter kernel with ipykernel 6 (as on Colab) and the jupyter-ui-poll "
                              "package; here the controls are read only at Start. Use mode='thread'.",
                        "bn": "পোল মোডের জন্য দরকার ipykernel 6-এর একটি Jupyter কার্নেল (যেমন Colab-এ) আর jupyter-ui-poll "
                              "প্যাকেজ; এখানে কন্ট্রোলগুলো শুধু «শুরু করো» চাপার সময় পড়া হবে। mode='thread' ব্যবহার করো।"},
    # forks and branches
    "pg.msg.forked": {"en": "Branch {name} made at step {step}: a copy of the whole run (weights, optimizer, random "
                             "state, data order). Change one setting and press Start; branch {parent} waits as it was.",
                       "bn": "স্টেপ {step}-এ শাখা {name} তৈরি হলো: পুরো রানের একটি কপি (ওজন, অপটিমাইজার, র‍্যান্ডম অবস্থা, "
                             "ডেটার ক্রম)। একটি সেটিং বদলে «শুরু করো» চাপো; শাখা {parent} যেমন ছিল তেমনই অপেক্ষা করছে।"},
    "pg.msg.forking": {"en": "Stopping after the current step, then forking...",
                        "bn": "এই স্টেপ শেষ হলেই থামছে, তারপর ফর্ক হবে..."},
    "pg.msg.too_many_branches": {"en": "At most {limit} branches are kept (each holds a copy of the weights and the "
                                        "optimizer): press Reset to begin again with one.",
                                  "bn": "সর্বোচ্চ {limit}টি শাখা রাখা যায় (প্রতিটিতে ওজন আর অপটিমাইজারের একটি কপি থাকে): "
                                        "একটি শাখা নিয়ে নতুন করে শুরু করতে «রিসেট করো» চাপো।"},
    "pg.msg.switched": {"en": "Now on branch {name} ({label}), at step {step}, exactly as it was left.",
                         "bn": "এখন শাখা {name}-এ ({label}), স্টেপ {step}-এ, ঠিক যেমন রাখা হয়েছিল।"},
    "pg.msg.switching": {"en": "Stopping after the current step, then switching branches...",
                          "bn": "এই স্টেপ শেষ হলেই থামছে, তারপর শাখা বদলানো হবে..."},
    "pg.msg.no_branch": {"en": "There is no branch {value!r}; the branches are {names}.",
                          "bn": "{value!r} নামে কোনো শাখা নেই; শাখাগুলো হলো {names}।"},
    "pg.branch.original": {"en": "original", "bn": "মূল রান"},
    "pg.branch.no_change": {"en": "no change", "bn": "কোনো পরিবর্তন নেই"},
    # lines in the log
    "pg.log.epoch": {"en": "Run {run}, epoch {epoch}/{of} | train loss {train_loss:.4f}, acc {train_acc:.1%} | "
                            "val loss {val_loss:.4f}, acc {val_acc:.1%}",
                      "bn": "রান {run}, ইপক {epoch}/{of} | ট্রেন লস {train_loss:.4f}, সঠিকতা {train_acc:.1%} | "
                            "ভ্যালিডেশন লস {val_loss:.4f}, সঠিকতা {val_acc:.1%}"},
    "pg.log.optimizer": {"en": "Epoch {epoch}: optimizer {old} -> {new} at a clean boundary (step {step}); "
                                "its state (momentum, Adam's averages) starts fresh.",
                          "bn": "ইপক {epoch}: অপটিমাইজার {old} -> {new}, দুই ইপকের ঠিক মাঝখানে (স্টেপ {step}); "
                                "অপটিমাইজারের অবস্থা (মোমেন্টাম, Adam-এর গড়) নতুন করে শুরু হলো।"},
    "pg.log.amp": {"en": "Epoch {epoch}: mixed precision {value}.", "bn": "ইপক {epoch}: মিক্সড প্রিসিশন {value}।"},
    "pg.log.epochs": {"en": "This run now trains {value} epochs.", "bn": "এই রানে ইপকের সংখ্যা এখন {value}।"},
    "pg.log.finished": {"en": "Finished after step {steps}. pg.model and pg.history are ready for the next cell.",
                         "bn": "স্টেপ {steps}-এর পরে শেষ হলো। pg.model আর pg.history পরের সেলের জন্য তৈরি।"},
    "pg.log.stopped": {"en": "Stopped after step {step}. The model and the history are kept (pg.model, pg.history).",
                        "bn": "স্টেপ {step}-এর পরে থামানো হলো। মডেল আর হিস্ট্রি রাখা আছে (pg.model, pg.history)।"},
    "pg.log.nonfinite": {"en": "Stopped: the loss became {loss} at step {step}. The weights and the optimizer went back "
                                "to step {back} ({why}). Lower the learning rate and press Start (the history is "
                                "kept), or press Reset.",
                          "bn": "থামানো হলো: স্টেপ {step}-এ লস {loss} হয়ে গেছে। ওজন আর অপটিমাইজার স্টেপ {back}-এ ফিরে "
                                "গেছে ({why})। লার্নিং রেট কমিয়ে «শুরু করো» চাপো (হিস্ট্রি রাখা আছে), অথবা "
                                "«রিসেট করো» চাপো।"},
    "pg.why.run_start": {"en": "where this run began", "bn": "যেখানে এই রান শুরু হয়েছিল"},
    "pg.why.lr_raised": {"en": "just before the learning rate went up to {lr}",
                          "bn": "লার্নিং রেট {lr}-এ বাড়ানোর ঠিক আগে"},
    # the chart
    "pg.chart.loss": {"en": "loss per step", "bn": "প্রতি স্টেপে লস"},
    "pg.chart.train_acc": {"en": "train accuracy", "bn": "ট্রেন সঠিকতা"},
    "pg.chart.val_acc": {"en": "validation accuracy", "bn": "ভ্যালিডেশন সঠিকতা"},
    "pg.chart.changes": {"en": "your changes", "bn": "তোমার পরিবর্তন"},
    "pg.chart.new_run": {"en": "a new Start", "bn": "নতুন করে শুরু"},
    "pg.chart.changes_list": {"en": "changes: {items}", "bn": "পরিবর্তন: {items}"},
    "pg.chart.clipped": {"en": "{count} steps above {top} not shown (largest {largest})",
                          "bn": "{top}-এর ওপরের {count}টি স্টেপ দেখানো হয়নি (সবচেয়ে বড় {largest})"},
    "pg.chart.smoothed": {"en": "loss per step, averaged over {window} steps",
                           "bn": "প্রতি স্টেপে লস, {window} স্টেপের গড়"},
    "pg.chart.fork_at": {"en": "fork at step {step}", "bn": "স্টেপ {step}-এ ফর্ক"},
    "pg.chart.branches_title": {"en": "Branches compared from their fork point",
                                 "bn": "ফর্কের জায়গা থেকে শাখাগুলোর তুলনা"},
    # the health panel
    "pg.health.title": {"en": "Health at step {step} (the tick: a healthy step, about 1e-3)",
                         "bn": "স্টেপ {step}-এ হেলথ (দাগটি: সুস্থ স্টেপ, প্রায় 1e-3)"},
    "pg.health.waiting": {"en": "Health: waiting for the first sampled step (every {every} steps).",
                           "bn": "হেলথ: প্রথম নমুনা-স্টেপের অপেক্ষা (প্রতি {every} স্টেপে একবার)।"},
    "pg.health.layer": {"en": "layer", "bn": "লেয়ার"},
    "pg.health.update_ratio": {"en": "update / weight", "bn": "আপডেট / ওজন"},
    "pg.health.grad_norm": {"en": "gradient norm", "bn": "গ্রেডিয়েন্টের নর্ম"},
    "pg.health.too_large": {"en": "too large", "bn": "খুব বড়"},
    "pg.health.too_small": {"en": "too small", "bn": "খুব ছোট"},
    "pg.health.ok": {"en": "healthy", "bn": "সুস্থ"},
}

register(MESSAGES)
