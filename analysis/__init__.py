"""What we learned: experiments -> tidy data -> tables and Plotly figures -> one report."""
