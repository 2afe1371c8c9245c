import HotfixEngine
print("hotfix")
