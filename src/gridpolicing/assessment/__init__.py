"""Assessment: scores, vetoes, grades and rankings (the policy's ``assessment`` section)."""
