print("importing")
import broken
