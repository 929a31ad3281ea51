"""The website's own words (menus, headings, the home page) in both languages: tools/site builds the course site."""

from __future__ import annotations

LANGUAGE_NAMES = {"en": "English", "bn": "বাংলা"}

UI: dict[str, dict[str, str]] = {
    "site.title": {"en": "The PyTorch training loop, line by line", "bn": "PyTorch ট্রেনিং লুপ, লাইন ধরে ধরে"},
    "site.home": {"en": "Home", "bn": "প্রথম পাতা"},
    "site.syllabus": {"en": "Syllabus", "bn": "সিলেবাস"},
    "site.glossary": {"en": "Glossary", "bn": "পরিভাষা"},
    "site.teacher": {"en": "Teacher's edition", "bn": "শিক্ষক সংস্করণ"},
    "site.search": {"en": "Search", "bn": "খোঁজো"},
    "site.search_placeholder": {"en": "Search the course", "bn": "কোর্সে খোঁজো"},
    "site.search_none": {"en": "Nothing found for “{q}”.", "bn": "“{q}” লিখে কিছু পাওয়া গেল না।"},
    "site.search_count": {"en": "{n} sections found for “{q}”.", "bn": "“{q}” পাওয়া গেল {n}টি অংশে।"},
    "site.search_hint": {
        "en": "Type a word in English or Bengali: every lesson, the syllabus, the glossary and the teacher's edition "
              "are searched.",
        "bn": "বাংলা বা ইংরেজিতে একটি শব্দ লেখো: সব পাঠ, সিলেবাস, পরিভাষা আর শিক্ষক সংস্করণে খোঁজা হবে।",
    },
    "site.search_needs_js": {"en": "Search needs JavaScript.", "bn": "খোঁজার জন্য JavaScript চালু থাকতে হবে।"},
    "site.colab": {"en": "Open in Colab", "bn": "Colab-এ খোলো"},
    "site.pdf": {"en": "PDF", "bn": "PDF"},
    "site.twin": {"en": "This section in Bengali", "bn": "এই অংশ ইংরেজিতে"},
    "site.contents": {"en": "On this page", "bn": "এই পাতায়"},
    "site.previous": {"en": "Previous", "bn": "আগের পাঠ"},
    "site.next": {"en": "Next", "bn": "পরের পাঠ"},
    "site.lessons": {"en": "Lessons", "bn": "পাঠ"},
    "site.setup_cell": {
        "en": "The notebook's setup cell (installs helpers on Colab; does nothing elsewhere)",
        "bn": "নোটবুকের সেটআপ সেল (Colab-এ helpers ইনস্টল করে; অন্য জায়গায় কিছুই করে না)",
    },
    "site.plot_alt": {"en": "The plot this code draws", "bn": "এই কোড যে লেখচিত্র আঁকে"},
    "site.source": {"en": "Source on GitHub", "bn": "GitHub-এ সোর্স"},
    "site.footer": {
        "en": "Built from the executed notebooks; works offline. The course's code and text: MIT licence; "
              "Noto Sans Bengali: SIL Open Font License.",
        "bn": "চালানো নোটবুক থেকে বানানো; ইন্টারনেট ছাড়াই চলে। কোর্সের কোড ও লেখা: MIT লাইসেন্স; "
              "Noto Sans Bengali: SIL Open Font License।",
    },
    "home.intro": {
        "en": "A course in Bengali and English that explains every line of a real PyTorch training loop. "
              "Everything runs offline on a built-in dataset of handwritten digits, in seconds on a laptop CPU, "
              "and uses a GPU when there is one.",
        "bn": "বাংলা ও ইংরেজি দুই ভাষায় একটি কোর্স: একটি আসল PyTorch ট্রেনিং লুপের প্রতিটি লাইন ব্যাখ্যা করা হয়েছে। "
              "ইন্টারনেট ছাড়াই চলে, হাতে লেখা অঙ্কের একটি বিল্ট-ইন ডেটাসেটে, ল্যাপটপের CPU-তে কয়েক সেকেন্ডে; "
              "GPU থাকলে সেটাই ব্যবহার করে।",
    },
    "home.start": {"en": "How to start", "bn": "কীভাবে শুরু করবে"},
    "home.start_read": {
        "en": "Read the lessons here: every page shows the code with its real outputs and plots.",
        "bn": "পাঠগুলো এখানেই পড়ো: প্রতিটি পাতায় কোড আর তার আসল আউটপুট ও লেখচিত্র আছে।",
    },
    "home.start_colab": {
        "en": "Run a lesson without installing anything: press “Open in Colab” at the top of its page.",
        "bn": "কিছু ইনস্টল না করেই একটি পাঠ চালাও: পাতার ওপরে “Colab-এ খোলো” চাপো।",
    },
    "home.start_local": {
        "en": "Or run it on your own computer (Python 3.10 to 3.13):",
        "bn": "অথবা নিজের কম্পিউটারে চালাও (Python 3.10 থেকে 3.13):",
    },
    "home.also": {"en": "Also on this site", "bn": "এই সাইটে আরও আছে"},
    "home.syllabus": {
        "en": "the syllabus map: every section of the syllabus and the lesson that teaches it;",
        "bn": "সিলেবাসের মানচিত্র: সিলেবাসের প্রতিটি অংশ কোন পাঠে পড়ানো হয়;",
    },
    "home.glossary": {
        "en": "the glossary: how the Bengali lessons write each technical term;",
        "bn": "পরিভাষা: বাংলা পাঠে প্রতিটি কারিগরি শব্দ কীভাবে লেখা হয়;",
    },
    "home.teacher": {
        "en": "the teacher's edition: goals, class plans, speaker notes and every exercise's solution.",
        "bn": "শিক্ষক সংস্করণ: লক্ষ্য, ক্লাসের পরিকল্পনা, বক্তার নোট আর প্রতিটি অনুশীলনীর সমাধান।",
    },
    "teacher.intro": {
        "en": "For the person who teaches the course: per lesson, what the class should be able to do afterwards, "
            "a plan for a 45-minute and a 90-minute class, the speaker notes of the slides, every exercise's "
            "solution with the common wrong answers and the hint each one gets, and the misconceptions to expect. "
            "The solutions and hints are taken from the code the course's tests run, so they cannot drift. "
            "None of this is in the learners' notebooks.",
        "bn": "যিনি কোর্সটি পড়ান তাঁর জন্য: প্রতিটি পাঠে ক্লাস শেষে শিক্ষার্থীরা কী পারবে, ৪৫ মিনিট আর ৯০ মিনিটের ক্লাসের "
            "পরিকল্পনা, স্লাইডের বক্তার নোট, প্রতিটি অনুশীলনীর সমাধান, সাধারণ ভুল উত্তর আর প্রতিটি ভুলে কোন ইঙ্গিত আসে, "
            "আর কোন ভুল ধারণা আশা করা যায়। সমাধান আর ইঙ্গিত নেওয়া হয়েছে সেই কোড থেকে যা কোর্সের টেস্ট চালায়, "
            "তাই এগুলো পাঠের সঙ্গে অমিল হতে পারে না। এর কিছুই শিক্ষার্থীদের নোটবুকে নেই।",
    },
    "teacher.lesson_title": {"en": "Teacher's edition · {title}", "bn": "শিক্ষক সংস্করণ · {title}"},
    "teacher.open_lesson": {"en": "The lesson itself", "bn": "পাঠটি"},
    "teacher.not_written": {
        "en": "The goals, class plans and misconceptions of this lesson are not written yet.",
        "bn": "এই পাঠের লক্ষ্য, ক্লাসের পরিকল্পনা আর ভুল ধারণার অংশ এখনো লেখা হয়নি।",
    },
    "teacher.notes": {"en": "Speaker notes", "bn": "বক্তার নোট"},
    "teacher.notes_intro": {
        "en": "The notes the slides show in speaker view (press S), under the section they belong to.",
        "bn": "স্লাইডের স্পিকার ভিউতে (S চাপো) যে নোট দেখা যায়, যে অংশের নোট সেই অংশের নিচে।",
    },
    "teacher.exercises": {"en": "Exercises: solutions and hints", "bn": "অনুশীলনী: সমাধান আর ইঙ্গিত"},
    "teacher.no_exercises": {"en": "This lesson has no self-checking exercises.",
                             "bn": "এই পাঠে নিজে নিজে যাচাই হওয়া কোনো অনুশীলনী নেই।"},
    "teacher.exercise": {"en": "Exercise {id}", "bn": "অনুশীলনী {id}"},
    "teacher.in_lesson": {"en": "in the lesson: {section}", "bn": "পাঠে: {section}"},
    "teacher.solution": {"en": "A solution", "bn": "একটি সমাধান"},
    "teacher.why": {"en": "Why it is right", "bn": "কেন ঠিক"},
    "teacher.learner_sees": {"en": "The learner sees", "bn": "শিক্ষার্থী দেখে"},
    "teacher.wrong": {"en": "Common wrong answers and the hint each gets",
                      "bn": "সাধারণ ভুল উত্তর আর প্রতিটির ইঙ্গিত"},
    "teacher.wrong_n": {"en": "Wrong answer {n}", "bn": "ভুল উত্তর {n}"},
    "teacher.checked": {
        "en": "Checked by tests/test_teacher.py: the solution passes the checker and each wrong answer gets this very hint.",
        "bn": "tests/test_teacher.py যাচাই করে: সমাধানটি চেকারে পাস করে, আর প্রতিটি ভুল উত্তর ঠিক এই ইঙ্গিতটিই পায়।",
    },
}


BENGALI_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def count(number: int, lang: str) -> str:
    """A count in running text: Bengali digits in Bengali (lessons_bn/GLOSSARY.md: digits), Latin in English."""
    return str(number).translate(BENGALI_DIGITS) if lang == "bn" else str(number)


def ui(key: str, lang: str, **values: str) -> str:
    """One of the site's own words in `lang`, with `values` filled in (the website: tools/site)."""
    return UI[key][lang].format(**values)
