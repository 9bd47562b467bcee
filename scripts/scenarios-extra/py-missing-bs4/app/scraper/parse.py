from bs4 import BeautifulSoup


def title(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return soup.title.string if soup.title else ""
