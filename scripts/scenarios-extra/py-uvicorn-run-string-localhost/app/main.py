import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def healthz(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/healthz", healthz)])

if __name__ == "__main__":
    uvicorn.run("main:app", host="127.0.0.1", port=8000)
